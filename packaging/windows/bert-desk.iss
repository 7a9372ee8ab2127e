; Inno Setup 6 script: Windows installer over the PyInstaller one-folder build.
;
; Built by `python packaging\build.py` on Windows, which runs:
;   ISCC /DAppVersion=0.1.0 /DSourceDir=build\dist\bert-desk /DOutputDir=build\pkg
;        /DIconFile=build\icons\bert-desk.ico packaging\windows\bert-desk.iss
; (the defaults below let you run ISCC on this file by hand from the repository root too).
;
; Installs per user by default (no admin prompt; the user may choose "all users"), adds a
; Start-menu entry and an uninstaller (Settings > Apps, and the Start-menu "Uninstall" entry),
; optionally a desktop icon and bert-desk-cli.exe on PATH. Uninstalling removes the program
; folder; the user's data (%LOCALAPPDATA%\bert_desk: settings, logs) is left in place.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\build\dist\bert-desk"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\build\pkg"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\icons\bert-desk.ico"
#endif
#define AppName "bert_desk"
#define AppExe "bert-desk.exe"
#define CliExe "bert-desk-cli.exe"
#define AppUserModelId "io.github.bert_desk.BertDesk"

[Setup]
; AppId identifies the app for upgrades and uninstall: never change it.
AppId={{6F1C9A52-3E0B-4C8E-9E43-2B7D5A1F0C8D}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=bert_desk contributors
AppPublisherURL=https://github.com/bert-desk/bert_desk
AppSupportURL=https://github.com/bert-desk/bert_desk/issues
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\bert_desk
DefaultGroupName=bert_desk
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=bert-desk-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
; torch's DLLs are large: LZMA2 over one solid block gives the smallest installer.
Compression=lzma2/max
SolidCompression=yes
LZMANumBlockThreads=4
WizardStyle=modern
ChangesEnvironment=yes
CloseApplications=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "Add the command line (bert-desk-cli) to PATH"; GroupDescription: "Command line:"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole runtime: stale DLLs or modules of the old version must not linger.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; AppUserModelID: "{#AppUserModelId}"; Comment: "BERT models on your texts, offline"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; AppUserModelID: "{#AppUserModelId}"; Tasks: desktopicon

[Registry]
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
Type: filesandordirs; Name: "{app}\_internal"

[Code]
const
  EnvKey = 'Environment';

{ True when Dir is not yet an entry of the user's PATH. }
function NeedsAddPath(Dir: string): Boolean;
var
  Paths: string;
begin
  if not RegQueryStringValue(HKCU, EnvKey, 'Path', Paths) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';') = 0;
end;

{ Remove Dir from the user's PATH (undoing the addtopath task). }
procedure RemovePath(Dir: string);
var
  Paths: string;
  P: Integer;
begin
  if not RegQueryStringValue(HKCU, EnvKey, 'Path', Paths) then
    exit;
  P := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';');
  if P = 0 then
    exit;
  { In Paths, Dir starts at P; the separator before it (if any) is at P - 1. }
  if P = 1 then
    Delete(Paths, 1, Length(Dir) + 1)
  else
    Delete(Paths, P - 1, Length(Dir) + 1);
  RegWriteExpandStringValue(HKCU, EnvKey, 'Path', Paths);
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usUninstall then
    RemovePath(ExpandConstant('{app}'));
end;
