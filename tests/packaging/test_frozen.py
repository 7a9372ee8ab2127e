"""Smoke tests of the packages as shipped (slow: `pytest -m packaging tests/packaging`).

The session fixture runs `packaging/build.py --if-stale`: a full build the first time, then
reused while sources, resources, packaging files and installed distributions are unchanged.
Extra build options can be passed in BERT_DESK_BUILD_ARGS (e.g. `--allow-missing-models` for
a development build; tasks whose bundled model is missing then run on tiny test models);
BERT_DESK_PACKAGING_REUSE=1 tests the last build without checking that it is up to date.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from bert_desk import __version__
from tests.packaging.helpers import APP_ID, ROOT, load_script

pytestmark = pytest.mark.packaging

REPORT = ROOT / "build" / "packaging-report.json"
IS_LINUX = sys.platform.startswith("linux")
EXE_NAME = "bert-desk-cli.exe" if sys.platform == "win32" else "bert-desk"


@pytest.fixture(scope="session")
def built() -> dict:
    """The build report (build/packaging-report.json), building first when stale.
    BERT_DESK_PACKAGING_REUSE=1 takes the last build as it is (no staleness check)."""
    if os.environ.get("BERT_DESK_PACKAGING_REUSE") == "1" and REPORT.is_file():
        return json.loads(REPORT.read_text(encoding="utf-8"))
    cmd = [sys.executable, str(ROOT / "packaging" / "build.py"), "--if-stale",
           *shlex.split(os.environ.get("BERT_DESK_BUILD_ARGS", ""))]
    started = time.monotonic()
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{shlex.join(cmd)} failed:\n{output[-8000:]}"
    report = json.loads(REPORT.read_text(encoding="utf-8"))
    print(f"\nbuild: {time.monotonic() - started:.0f} s; sizes: {report['sizes']}")
    return report


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("frozen")


def frozen_env(home: Path) -> dict[str, str]:
    """A clean environment: no venv leaking in, offline, offscreen, user data in `home`."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "VIRTUAL_ENV", "QT_", "HF_", "TRANSFORMERS_", "BERT_DESK_"))}
    env.update(QT_QPA_PLATFORM="offscreen", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               HF_HOME=str(home / "hf"), BERT_DESK_DATA_DIR=str(home / "data"), XDG_RUNTIME_DIR=str(home))
    home.mkdir(parents=True, exist_ok=True)
    (home / "hf").mkdir(exist_ok=True)
    os.chmod(home, 0o700)  # Qt insists on a private XDG_RUNTIME_DIR
    return env


def run(cmd: list[str], home: Path, timeout: float = 600, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, env=frozen_env(home), capture_output=True, text=True, timeout=timeout,
                            cwd=home, **kwargs)
    print(f"$ {shlex.join(cmd)}\n{result.stdout}{result.stderr}")
    return result


def model_overrides(report: dict, tiny_models: dict[str, Path]) -> list[str]:
    """`--model` options for tasks the build had no bundled model for (development builds)."""
    return [arg for task in report["models_missing"] for arg in ("--model", f"{task}={tiny_models[task]}")]


@pytest.fixture(scope="session")
def exe(built: dict) -> Path:
    path = Path(built["artifacts"]["bundle"]) / EXE_NAME
    assert path.is_file()
    return path


# --- the one-folder bundle --------------------------------------------------------------------


def test_version(exe, tmp_path):
    result = run([str(exe), "--version"], tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"bert-desk {__version__}"


def test_selftest_as_shipped(exe, built, tiny_models, tmp_path):
    """Every bundled model runs, and the main window builds (offscreen)."""
    result = run([str(exe), "--selftest", *model_overrides(built, tiny_models)], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "selftest: ok" in result.stdout
    assert "gui: ok" in result.stdout
    for task in built["bundled_models"]:
        assert f"{task}: ok [bundled:{task}" in result.stdout


def test_int8_runs_in_the_frozen_app(exe, tiny_models, tmp_path):
    """`--precision int8`: dynamic quantization (torch.ao) is in the bundle, for every task head."""
    models = [arg for task in ("sentiment", "qa", "ner") for arg in ("--model", f"{task}={tiny_models[task]}")]
    result = run([str(exe), "--selftest", "--no-gui", "--precision", "int8", *models], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    for task in ("sentiment", "qa", "ner"):
        line = next(x for x in result.stdout.splitlines() if x.startswith(f"{task}: ok ["))
        assert line.split("] ")[0].endswith(", int8"), line


def test_every_task_head_loads_in_the_frozen_app(exe, tiny_models, tmp_path):
    """Sequence classification, QA and token classification classes import in the frozen app."""
    models = [arg for task in ("sentiment", "qa", "ner") for arg in ("--model", f"{task}={tiny_models[task]}")]
    result = run([str(exe), "--selftest", "--no-gui", *models], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    for task in ("sentiment", "qa", "ner"):
        assert f"{task}: ok" in result.stdout


def test_model_family_outside_the_archive_imports_from_source(exe, tmp_path):
    """Families beyond the BERT family ship as .py sources without byte-code: they still load."""
    import torch
    from transformers import BertTokenizerFast, ErnieConfig, ErnieForSequenceClassification

    from tests.tiny_models import write_vocab

    folder = tmp_path / "tiny-ernie"
    folder.mkdir()
    tokenizer = BertTokenizerFast(vocab=str(write_vocab(folder)))
    config = ErnieConfig(vocab_size=len(tokenizer.get_vocab()), hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                         id2label={0: "NEGATIVE", 1: "POSITIVE"}, label2id={"NEGATIVE": 0, "POSITIVE": 1})
    torch.manual_seed(0)
    ErnieForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    result = run([str(exe), "sentiment", "--model", str(folder), "--device", "cpu"], tmp_path,
                 input="A moving, beautifully acted film.\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[0])["label"] in ("NEGATIVE", "POSITIVE")


def test_cli_reads_jsonl_and_prints_jsonl(exe, tiny_models, tmp_path):
    record = {"question": "Where did Angela Merkel go?", "context": "Angela Merkel visited Paris."}
    result = run([str(exe), "qa", "--model", str(tiny_models["qa"]), "--device", "cpu"], tmp_path,
                 input=json.dumps(record) + "\n")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.splitlines()[0])
    assert answer["question"] == record["question"] and "answers" in answer


def test_hostile_inputs_in_the_frozen_app(exe, tiny_models, tmp_path):
    """The hostile corpus of tests/data/hostile through the shipped executable: JSON lines or a one-line
    refusal naming the file, never a traceback."""
    corpus = sorted(p for p in (ROOT / "tests" / "data" / "hostile").iterdir() if p.suffix in (".jsonl", ".txt"))
    assert len(corpus) >= 10
    for command in ("ner", "qa"):  # every file in one run: it stops at the first refused file, cleanly
        result = run([str(exe), command, "--model", str(tiny_models[command]), *map(str, corpus)], tmp_path)
        assert result.returncode in (0, 2), (command, result.stderr)
        assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr, (command, result.stderr)
    for path in corpus:  # and each file on its own
        single = run([str(exe), "sentiment", "--model", str(tiny_models["sentiment"]), str(path)], tmp_path)
        assert single.returncode in (0, 2), (path.name, single.stderr)
        assert "Traceback" not in single.stderr and "unexpected error" not in single.stderr, (path.name, single.stderr)
        if single.returncode == 2:
            assert single.stderr.startswith("bert-desk: error: ") and path.name in single.stderr, single.stderr


def test_spacy_pipeline_runs_in_the_frozen_app(exe, spacy_ruler_spec, tmp_path):
    """spaCy, its language data and registries (entry points) are bundled."""
    result = run([str(exe), "ner", "--model", spacy_ruler_spec], tmp_path, input="Angela Merkel visited Paris.\n")
    assert result.returncode == 0, result.stderr
    spans = json.loads(result.stdout.splitlines()[0])["spans"]
    assert {(s["text"], s["label"]) for s in spans} >= {("Angela Merkel", "PERSON"), ("Paris", "GPE")}


def test_missing_std_streams_go_to_the_log(exe, tmp_path):
    """A windowed start has no stdout/stderr (sys.stderr is None): errors land in stderr.log."""
    if sys.platform == "win32":
        pytest.skip("POSIX fd juggling")

    def close_std_streams() -> None:
        os.close(1)
        os.close(2)

    result = subprocess.run([str(exe), "sentiment", "--model", str(tmp_path / "no-such-model")],
                            env=frozen_env(tmp_path), stdin=subprocess.DEVNULL, preexec_fn=close_std_streams,
                            timeout=600, cwd=tmp_path)
    assert result.returncode == 2  # the CLI's error status, not a crash
    log = (tmp_path / "data" / "stderr.log").read_text(encoding="utf-8")
    assert "bert-desk: error:" in log


def test_bundle_is_trimmed(built):
    bundle = Path(built["artifacts"]["bundle"])
    internal = bundle / "_internal"
    for task in built["bundled_models"]:
        folder = internal / "resources" / "models" / task
        assert (folder / "config.json").is_file() and any(folder.glob("*.safetensors"))
        assert not any(folder.glob("*.bin")) and not any(folder.glob("checkpoint-*"))
    names = {p.name for p in internal.rglob("*")}
    assert not (internal / "torch" / "include").exists()
    assert not (names & {"libtorchbind_test.so", "libjitbackend_test.so", "torchbind_test.dll"})
    assert not any(n.endswith(".a") for n in names)
    assert not any(n.startswith(("libQt6Qml", "libQt6Quick", "libQt6Network", "Qt6Qml", "Qt6Quick")) for n in names)
    assert not {"pytest", "IPython", "matplotlib"} & {p.name for p in internal.iterdir()}
    if built["variant"] == "cpu":
        assert not any(n.startswith(("libcudart", "libcublas", "libcudnn", "libnccl", "libtorch_cuda")) for n in names)
    # torch/transformers as in site-packages: sources plus byte-code that is valid where unpacked
    bert = internal / "transformers" / "models" / "bert"
    assert (bert / "modeling_bert.py").is_file()
    pyc = bert / "__pycache__" / f"modeling_bert.{sys.implementation.cache_tag}.pyc"
    assert pyc.read_bytes()[4:8] == (1).to_bytes(4, "little")  # hash-based, unchecked
    llama = internal / "transformers" / "models" / "llama"
    assert (llama / "modeling_llama.py").is_file() and not (llama / "__pycache__").exists()  # source only


def test_every_bundled_package_has_its_data_files(built):
    """A package that reads a file next to its modules (kernels' python_depends.json, spaCy's
    lookups, tokenizers' templates) has it in the bundle: the rule in bundle_rules.py, checked
    file by file against what is installed here and pinned by the lock."""
    rules = load_script("bundle_rules")
    lock = load_script("build").load_lock_tools()
    internal = Path(built["artifacts"]["bundle"]) / "_internal"
    bundled_modules = {path.name.split(".")[0] for path in internal.iterdir()}
    pinned = lock.read_lock(ROOT / "requirements-lock.txt")
    left_out = {rules.canonical(name) for name in
                (*rules.EXCLUDED_DISTS, *(() if built["with_training"] else rules.TRAINING_DISTS))}
    dists = [d for d in rules.bundled_distributions(bundled_modules)
             if rules.canonical(d.metadata["Name"]) in pinned and rules.canonical(d.metadata["Name"]) not in left_out]
    with_data = {d.metadata["Name"] for d in dists if rules.package_data(d)}
    assert {"spacy", "tokenizers"} <= {rules.canonical(name) for name in with_data}
    missing = rules.missing_from(internal, dists)
    assert not missing, "data files missing from the bundle:\n" + "\n".join(missing[:40])
    for dist in dists:  # metadata too: transformers checks versions, spaCy reads entry points
        metadata_files = [dest for dest, _ in rules.dist_info(dist) if dest.endswith("/METADATA")]
        assert all((internal / dest).is_file() for dest in metadata_files), dist.metadata["Name"]


def test_startup_not_slower_than_source(exe, tmp_path):
    """`--version` of the frozen app against `python -m bert_desk --version` (medians of 5)."""
    def median_time(cmd: list[str], env: dict[str, str]) -> float:
        times = []
        for _ in range(5):
            started = time.perf_counter()
            subprocess.run(cmd, env=env, capture_output=True, check=True, timeout=120)
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    env = frozen_env(tmp_path)
    source_env = dict(env, PYTHONPATH=str(ROOT))
    frozen = median_time([str(exe), "--version"], env)
    source = median_time([sys.executable, "-m", "bert_desk", "--version"], source_env)
    print(f"--version: frozen {frozen:.3f} s, source {source:.3f} s")
    assert frozen <= source * 1.3 + 0.2


# --- Linux packages -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def deb_root(built, session_dir) -> Path:
    if "deb" not in built["artifacts"]:
        pytest.skip("no .deb built on this platform")
    root = session_dir / "deb-root"
    subprocess.run(["dpkg-deb", "-x", built["artifacts"]["deb"], str(root)], check=True)
    return root


def test_deb_layout_and_control(built, deb_root):
    deb = built["artifacts"]["deb"]
    fields = subprocess.run(["dpkg-deb", "-f", deb], capture_output=True, text=True, check=True).stdout
    control = dict(line.split(": ", 1) for line in fields.splitlines() if ": " in line and not line.startswith(" "))
    assert control["Package"].startswith("bert-desk")
    assert control["Version"] == __version__
    assert control["Depends"].startswith("libc6 (>= 2.")
    wrapper = deb_root / "usr" / "bin" / "bert-desk"
    assert wrapper.is_file() and os.access(wrapper, os.X_OK)
    assert (deb_root / "opt" / "bert-desk" / "bert-desk").is_file()
    share = deb_root / "usr" / "share"
    assert (share / "applications" / f"{APP_ID}.desktop").is_file()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    assert (share / "doc" / "bert-desk" / "copyright").is_file()
    contents = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True, check=True).stdout
    owners = {line.split()[1] for line in contents.splitlines()}
    assert owners == {"root/root"}


def test_deb_selftest_from_unpacked_root(deb_root, built, tiny_models, tmp_path):
    """The wrapper finds /opt/bert-desk relative to itself, also through a symlink elsewhere."""
    link = tmp_path / "bin" / "bert-desk"
    link.parent.mkdir()
    link.symlink_to(deb_root / "usr" / "bin" / "bert-desk")
    result = run([str(link), "--selftest", *model_overrides(built, tiny_models)], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "selftest: ok" in result.stdout and "gui: ok" in result.stdout


def test_desktop_file_validates(deb_root):
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.fail("desktop-file-validate missing: apt-get install desktop-file-utils")
    path = deb_root / "usr" / "share" / "applications" / f"{APP_ID}.desktop"
    result = subprocess.run([tool, str(path)], capture_output=True, text=True)
    assert result.returncode == 0 and "error" not in result.stdout, result.stdout + result.stderr


def test_metainfo_validates(deb_root):
    tool = shutil.which("appstreamcli")
    if tool is None:
        pytest.fail("appstreamcli missing: apt-get install appstream")
    path = deb_root / "usr" / "share" / "metainfo" / f"{APP_ID}.metainfo.xml"
    text = path.read_text(encoding="utf-8")
    assert f'version="{__version__}"' in text and "@" not in text.split("<releases>")[1]
    result = subprocess.run([tool, "validate", "--no-net", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_tarball_holds_the_one_folder_build(built):
    if "tar" not in built["artifacts"]:
        pytest.skip("no .tar.gz built on this platform")
    with tarfile.open(built["artifacts"]["tar"]) as tar:
        members = {m.name: m for m in tar.getmembers()}
    top = f"bert-desk-{__version__}"
    exe = members[f"{top}/bert-desk"]
    assert exe.isfile() and exe.mode & 0o111 and exe.uname == "root"
    assert all(name == top or name.startswith(top + "/") for name in members)
    for task in built["bundled_models"]:
        assert f"{top}/_internal/resources/models/{task}/config.json" in members
