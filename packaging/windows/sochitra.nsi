; Sổ chi trả: the per-user Windows setup (issue 15). Built by `bash scripts/package windows` with
; Debian's makensis, after the exes are in dist/windows/:
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DDIST=/abs/dist/windows -DICON=/abs/icon.ico \
;            -DOUTFILE=/abs/dist/windows/sochitra-0.1.0-windows-x64-setup.exe packaging/windows/sochitra.nsi
; No administrator rights: everything goes to the user's profile and HKCU. The uninstaller removes
; the program files it installed, one by one, and NEVER the clerk's data in
; %APPDATA%\vn.paypoint.sochitra\ (the ledger, its key file, the documents).

Unicode true
; The programs are x86-64; a 64-bit setup also reads the 64-bit registry view without redirection.
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID lzma
RequestExecutionLevel user

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh

!ifndef VERSION
  !error "makensis -DVERSION=x.y.z"
!endif
!ifndef DIST
  !error "makensis -DDIST=folder holding paypoint-desktop.exe, WebView2Loader.dll, paypoint.exe"
!endif
!ifndef OUTFILE
  !define OUTFILE "sochitra-${VERSION}-windows-x64-setup.exe"
!endif

!define APPNAME "Sổ chi trả"
!define APPID "vn.paypoint.sochitra"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPID}"
!define SHORTCUT "$SMPROGRAMS\${APPNAME}.lnk"

Name "${APPNAME}"
Caption "Cài đặt ${APPNAME} ${VERSION}"
UninstallCaption "Gỡ ${APPNAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\SoChiTra"
InstallDirRegKey HKCU "${UNINSTKEY}" "InstallLocation"
BrandingText "${APPNAME} ${VERSION}"
ShowInstDetails show
ShowUninstDetails show

!ifdef ICON
  !define MUI_ICON "${ICON}"
  !define MUI_UNICON "${ICON}"
!endif
!define MUI_ABORTWARNING

!define MUI_WELCOMEPAGE_TITLE "Cài đặt ${APPNAME}"
!define MUI_WELCOMEPAGE_TEXT "Chương trình này cài ${APPNAME} ${VERSION} cho riêng người dùng Windows này (không cần quyền quản trị).$\r$\n$\r$\nỨng dụng cần Microsoft Edge WebView2 Runtime (có sẵn trong Windows 11 và Windows 10 đã cập nhật).$\r$\n$\r$\nBấm Tiếp để tiếp tục."
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\paypoint-desktop.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Mở ${APPNAME} ngay"
!define MUI_PAGE_CUSTOMFUNCTION_SHOW FinishShow
!insertmacro MUI_PAGE_FINISH

!define MUI_UNCONFIRMPAGE_TEXT_TOP "Thao tác này gỡ chương trình ${APPNAME} khỏi máy. Dữ liệu của điểm chi trả KHÔNG bị xóa: sổ chi trả, tệp khóa của sổ và các giấy tờ đã in vẫn nằm trong %APPDATA%\${APPID}\. Cài lại ${APPNAME} sẽ mở lại đúng sổ đó."
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "Vietnamese"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "FileDescription" "Cài đặt ${APPNAME}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "LegalCopyright" "${APPNAME}"

!define WV2_MISSING "Máy này chưa có Microsoft Edge WebView2 Runtime, phần mềm mà cửa sổ của ${APPNAME} cần để hiển thị.$\r$\n$\r$\nVẫn cài ${APPNAME} bình thường. Trước khi mở ứng dụng, hãy làm một trong hai cách:$\r$\n  • Tải và cài $\"Microsoft Edge WebView2 Runtime$\" (bản Evergreen) từ trang của Microsoft: https://developer.microsoft.com/microsoft-edge/webview2/ (không cần quyền quản trị);$\r$\n  • hoặc chạy Windows Update cho đến khi máy hết bản cập nhật.$\r$\n$\r$\nSau đó mở ${APPNAME} từ menu Start."

; makensis works in the script's folder: the include is found beside it.
!include "webview2.nsh"

Function FinishShow
  ; Without the runtime the window cannot open (and a GUI program shows nothing at all): do not
  ; offer to start it.
  ${If} $WebView2Version == ""
    SendMessage $mui.FinishPage.Run ${BM_SETCHECK} ${BST_UNCHECKED} 0
    EnableWindow $mui.FinishPage.Run 0
  ${EndIf}
FunctionEnd

Section "${APPNAME}" SecMain
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  File "${DIST}/paypoint-desktop.exe"
  File "${DIST}/WebView2Loader.dll"
  File "${DIST}/paypoint.exe"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "${SHORTCUT}" "$INSTDIR\paypoint-desktop.exe" "" "$INSTDIR\paypoint-desktop.exe" 0 \
    SW_SHOWNORMAL "" "Sổ chi trả của điểm chi trả"

  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "${APPNAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\paypoint-desktop.exe,0"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" "$0"

  Call FindWebView2
  ${If} $WebView2Version == ""
    DetailPrint "Chưa có Microsoft Edge WebView2 Runtime: cần cài trước khi mở ${APPNAME}."
    MessageBox MB_OK|MB_ICONEXCLAMATION "${WV2_MISSING}" /SD IDOK
  ${Else}
    DetailPrint "Microsoft Edge WebView2 Runtime $WebView2Version: đã có."
  ${EndIf}
  DetailPrint "Dòng lệnh: $INSTDIR\paypoint.exe"
  DetailPrint "Dữ liệu (không bao giờ bị gỡ cùng chương trình): %APPDATA%\${APPID}\"
SectionEnd

; Only what the setup put there, file by file; the folder only when it is then empty (never
; RMDir /r: the install folder is the user's choice). The clerk's data in
; %APPDATA%\vn.paypoint.sochitra\ is not touched.
Section "Uninstall"
  SetShellVarContext current
  Delete "$INSTDIR\paypoint-desktop.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\paypoint.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "${SHORTCUT}"
  DeleteRegKey HKCU "${UNINSTKEY}"
  DetailPrint "Đã gỡ chương trình. Dữ liệu vẫn còn trong %APPDATA%\${APPID}\ (sổ chi trả, tệp khóa, giấy tờ)."
SectionEnd
