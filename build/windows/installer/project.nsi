## SellerDesk's Windows installer (NSIS 3, built by `make windows`, which runs
## `wails build -platform windows/amd64 -nsis` in a staged copy: see
## scripts/package.sh). Started from the Wails v2.15.0 template; changed:
##   - per-user install by default, no administrator needed
##     (%LOCALAPPDATA%\Programs\SellerDesk); "Anyone who uses this computer"
##     is offered when the installer runs as administrator (or /AllUsers)
##   - Start-menu shortcut, desktop shortcut as an optional component
##   - the uninstaller keeps the user's SellerDesk folder (%APPDATA%\SellerDesk:
##     profiles' cache, journals, logs) unless its checkbox is ticked, or
##     /REMOVEDATA is given with /S
##   - a 64-bit installer (SellerDesk is amd64 only), LZMA-compressed
##   - signed when scripts/package.sh provides sd_build.nsh (version + signing)
## Command line: /S silent, /AllUsers or /CurrentUser, /D=C:\path (last).
## wails_tools.nsh is rewritten by every `wails build -nsis` from wails.json.

Target amd64-unicode
SetCompressor /SOLID lzma

# Before wails_tools.nsh, which otherwise requests administrator rights.
!define REQUEST_EXECUTION_LEVEL "user"
!define UNINST_KEY_NAME "SellerDesk"
!define PRODUCT_EXECUTABLE "sellerdesk.exe" # as on Linux and in help texts (the default is SellerDesk.exe)
!include "wails_tools.nsh"
# Written by scripts/package.sh into the staged copy: SD_VERSION (the full
# version, e.g. 1.4.0 or 0.0.0-dev+abc1234) and the signing hooks.
!include /NONFATAL "sd_build.nsh"
!ifndef SD_VERSION
    !define SD_VERSION "${INFO_PRODUCTVERSION}"
!endif

# The version information must consist of 4 numbers: INFO_PRODUCTVERSION is X.Y.Z.
VIProductVersion "${INFO_PRODUCTVERSION}.0"
VIFileVersion    "${INFO_PRODUCTVERSION}.0"
VIAddVersionKey "CompanyName"     "${INFO_COMPANYNAME}"
VIAddVersionKey "FileDescription" "${INFO_PRODUCTNAME} Installer"
VIAddVersionKey "ProductVersion"  "${SD_VERSION}"
VIAddVersionKey "FileVersion"     "${SD_VERSION}"
VIAddVersionKey "LegalCopyright"  "${INFO_COPYRIGHT}"
VIAddVersionKey "ProductName"     "${INFO_PRODUCTNAME}"

ManifestDPIAware true

Name "${INFO_PRODUCTNAME}"
OutFile "..\..\bin\${INFO_PROJECTNAME}-${ARCH}-installer.exe"
ShowInstDetails show
ShowUninstDetails show
BrandingText "${INFO_PRODUCTNAME} ${SD_VERSION}"

# Per-user by default: MultiUser.nsh at "Standard" asks for no elevation.
!define MULTIUSER_EXECUTIONLEVEL Standard
!define MULTIUSER_MUI
!define MULTIUSER_INSTALLMODE_COMMANDLINE
!define MULTIUSER_INSTALLMODE_INSTDIR "${INFO_PRODUCTNAME}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_KEY "${UNINST_KEY}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_VALUENAME "InstallLocation"
!define MULTIUSER_INSTALLMODEPAGE_SHOWUSERNAME
!define MULTIUSER_USE_PROGRAMFILES64
!include "MultiUser.nsh"
!include "MUI2.nsh"
!include "nsDialogs.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"

# The user's own folder (internal/store DefaultDir: os.UserConfigDir()\SellerDesk).
!define SD_DATA_DIR "$APPDATA\${INFO_PRODUCTNAME}"

!define MUI_ICON "..\icon.ico"
!define MUI_UNICON "..\icon.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${PRODUCT_EXECUTABLE}"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${INFO_PRODUCTNAME}"

!insertmacro MUI_PAGE_WELCOME
# MultiUser's mode page, without its demand for a "Highest" execution level
# (which would ask every administrator's account for elevation): shown only
# when the installer already runs elevated ("Run as administrator").
!insertmacro MUI_PAGE_INIT
!insertmacro MULTIUSER_PAGEDECLARATION_INSTALLMODE "" ${__COUNTER__}
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
UninstPage custom un.KeepDataPage un.KeepDataLeave
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"

Var RemoveData
Var RemoveDataBox

Function .onInit
    !insertmacro wails.checkArchitecture
    !insertmacro MULTIUSER_INIT
FunctionEnd

Section "${INFO_PRODUCTNAME} (required)" SecApp
    SectionIn RO
    !insertmacro wails.webview2runtime

    SetOutPath $INSTDIR
    !insertmacro wails.files

    CreateShortcut "$SMPROGRAMS\${INFO_PRODUCTNAME}.lnk" "$INSTDIR\${PRODUCT_EXECUTABLE}"

    # Support bundles (issue 10) are not implemented yet: the .sdbundle file
    # type is registered once `sellerdesk <file>.sdbundle` opens one. Then:
    #   !insertmacro APP_ASSOCIATE "sdbundle" "SellerDesk.SupportBundle" "SellerDesk support bundle" \
    #     "$INSTDIR\${PRODUCT_EXECUTABLE},0" "Open with ${INFO_PRODUCTNAME}" "$INSTDIR\${PRODUCT_EXECUTABLE} $\"%1$\""

    WriteUninstaller "$INSTDIR\uninstall.exe"
    # SHCTX: HKCU for a per-user install, HKLM for all users (MultiUser sets it).
    WriteRegStr SHCTX "${UNINST_KEY}" "DisplayName" "${INFO_PRODUCTNAME}"
    WriteRegStr SHCTX "${UNINST_KEY}" "DisplayVersion" "${SD_VERSION}"
    WriteRegStr SHCTX "${UNINST_KEY}" "Publisher" "${INFO_COMPANYNAME}"
    WriteRegStr SHCTX "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${PRODUCT_EXECUTABLE}"
    WriteRegStr SHCTX "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
    WriteRegStr SHCTX "${UNINST_KEY}" "InstallMode" "$MultiUser.InstallMode"
    WriteRegStr SHCTX "${UNINST_KEY}" "UninstallString" "$\"$INSTDIR\uninstall.exe$\" /$MultiUser.InstallMode"
    WriteRegStr SHCTX "${UNINST_KEY}" "QuietUninstallString" "$\"$INSTDIR\uninstall.exe$\" /$MultiUser.InstallMode /S"
    WriteRegDWORD SHCTX "${UNINST_KEY}" "NoModify" 1
    WriteRegDWORD SHCTX "${UNINST_KEY}" "NoRepair" 1
    ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
    IntFmt $0 "0x%08X" $0
    WriteRegDWORD SHCTX "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "Desktop shortcut" SecDesktop
    CreateShortcut "$DESKTOP\${INFO_PRODUCTNAME}.lnk" "$INSTDIR\${PRODUCT_EXECUTABLE}"
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
    !insertmacro MUI_DESCRIPTION_TEXT ${SecApp} "The ${INFO_PRODUCTNAME} app and its Start-menu shortcut."
    !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "A ${INFO_PRODUCTNAME} shortcut on the desktop."
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Function un.onInit
    # UninstallString passes /AllUsers or /CurrentUser, as the install was;
    # an install for all users is removed elevated: ask for it.
    ${GetParameters} $R0
    ClearErrors
    ${GetOptions} $R0 "/AllUsers" $R1
    ${IfNot} ${Errors}
        UserInfo::GetAccountType
        Pop $R2
        ${If} $R2 != "Admin"
            ExecShell "runas" "$EXEPATH" "$R0"
            Quit
        ${EndIf}
    ${EndIf}
    !insertmacro MULTIUSER_UNINIT
    ClearErrors
    ${GetOptions} $R0 "/REMOVEDATA" $R1
    ${IfNot} ${Errors}
        StrCpy $RemoveData 1
    ${Else}
        StrCpy $RemoveData 0
    ${EndIf}
FunctionEnd

Function un.KeepDataPage
    !insertmacro MUI_HEADER_TEXT "Your SellerDesk data" "Choose whether to keep the files SellerDesk saved for you."
    nsDialogs::Create 1018
    Pop $0
    ${NSD_CreateLabel} 0 0 100% 36u "SellerDesk keeps its cache, job journals and logs in ${SD_DATA_DIR}. They are kept, so a later install picks up where you left off. (Your AWS profiles in .aws are never touched.)"
    Pop $0
    ${NSD_CreateCheckbox} 0 44u 100% 12u "&Also delete my SellerDesk data"
    Pop $RemoveDataBox
    ${If} $RemoveData == 1
        ${NSD_Check} $RemoveDataBox
    ${EndIf}
    nsDialogs::Show
FunctionEnd

Function un.KeepDataLeave
    ${NSD_GetState} $RemoveDataBox $RemoveData
    ${If} $RemoveData == ${BST_CHECKED}
        StrCpy $RemoveData 1
    ${Else}
        StrCpy $RemoveData 0
    ${EndIf}
FunctionEnd

Section "uninstall"
    Delete "$INSTDIR\${PRODUCT_EXECUTABLE}"
    Delete "$INSTDIR\uninstall.exe"
    RMDir "$INSTDIR"

    Delete "$SMPROGRAMS\${INFO_PRODUCTNAME}.lnk"
    Delete "$DESKTOP\${INFO_PRODUCTNAME}.lnk"
    DeleteRegKey SHCTX "${UNINST_KEY}"

    # The WebView2 cache Wails keeps beside the user's data, and on request
    # the data itself: always the current user's folders.
    SetShellVarContext current
    RMDir /r "$APPDATA\${PRODUCT_EXECUTABLE}"
    ${If} $RemoveData == 1
        RMDir /r "${SD_DATA_DIR}"
        DetailPrint "Deleted ${SD_DATA_DIR}"
    ${Else}
        DetailPrint "Kept ${SD_DATA_DIR}"
    ${EndIf}
SectionEnd
