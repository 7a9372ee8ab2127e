#!/usr/bin/env bash
# Wrap the PyInstaller .app in a compressed disk image with an /Applications shortcut.
#
#   packaging/macos/make_dmg.sh build/dist/bert_desk.app build/pkg/bert-desk-0.1.0-macos-arm64.dmg
#
# (python packaging/build.py runs it on macOS.) Optional signing and notarization:
#   BERT_DESK_CODESIGN_IDENTITY="Developer ID Application: ..."  also read by the spec, which signs
#       the .app with it (hardened runtime); here it signs the .dmg.
#   BERT_DESK_NOTARY_PROFILE=name   a `xcrun notarytool store-credentials` profile: submit the
#       .dmg to Apple's notary service, wait, and staple the ticket.
# Without them the image is unsigned: users open the app with right-click > Open the first time.
set -euo pipefail

app=${1:?usage: make_dmg.sh APP_BUNDLE OUT_DMG}
out=${2:?usage: make_dmg.sh APP_BUNDLE OUT_DMG}
volume_name=${BERT_DESK_VOLUME_NAME:-bert_desk}

[ -d "$app" ] || { echo "make_dmg.sh: no app bundle at $app" >&2; exit 1; }
command -v hdiutil >/dev/null || { echo "make_dmg.sh: hdiutil not found (this runs on macOS only)" >&2; exit 1; }

if [ -n "${BERT_DESK_CODESIGN_IDENTITY:-}" ]; then
    codesign --verify --deep --strict --verbose=1 "$app"
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
ditto "$app" "$stage/$(basename "$app")"   # ditto keeps symlinks, extended attributes and signatures
ln -s /Applications "$stage/Applications"

mkdir -p "$(dirname "$out")"
rm -f "$out"
# ULFO (lzfse) compresses well and opens on macOS 10.11+ (the app needs 11.0 anyway).
hdiutil create -volname "$volume_name" -srcfolder "$stage" -fs HFS+ -format ULFO -ov "$out"

if [ -n "${BERT_DESK_CODESIGN_IDENTITY:-}" ]; then
    codesign --sign "$BERT_DESK_CODESIGN_IDENTITY" --timestamp "$out"
fi
if [ -n "${BERT_DESK_NOTARY_PROFILE:-}" ]; then
    xcrun notarytool submit "$out" --keychain-profile "$BERT_DESK_NOTARY_PROFILE" --wait
    xcrun stapler staple "$out"
fi
hdiutil verify "$out"
echo "make_dmg.sh: wrote $out"
