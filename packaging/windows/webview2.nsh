; The WebView2 runtime check of the setup (sochitra.nsi), apart so that scripts/wine/installer can
; build a probe exe around it and try it against registry keys. Needs LogicLib.nsh.
; Leaves the runtime's version in $WebView2Version, empty when it is not installed.

; The WebView2 runtime's client id (Evergreen), as Microsoft documents its detection.
!define WV2_CLIENT "Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

Var WebView2Version

; Microsoft's detection: the runtime's "pv" value, per machine (the WOW6432Node key on 64-bit
; Windows, the plain one otherwise) or per user; absent, empty or 0.0.0.0 means not installed.
!macro WV2_READ ROOT KEY
  ${If} $WebView2Version == ""
  ${OrIf} $WebView2Version == "0.0.0.0"
    ReadRegStr $WebView2Version ${ROOT} "${KEY}" "pv"
  ${EndIf}
!macroend

Function FindWebView2
  StrCpy $WebView2Version ""
  SetRegView 64
  !insertmacro WV2_READ HKLM "SOFTWARE\WOW6432Node\${WV2_CLIENT}"
  !insertmacro WV2_READ HKLM "SOFTWARE\${WV2_CLIENT}"
  !insertmacro WV2_READ HKCU "SOFTWARE\WOW6432Node\${WV2_CLIENT}"
  !insertmacro WV2_READ HKCU "SOFTWARE\${WV2_CLIENT}"
  SetRegView 32
  !insertmacro WV2_READ HKLM "SOFTWARE\${WV2_CLIENT}"
  !insertmacro WV2_READ HKCU "SOFTWARE\${WV2_CLIENT}"
  SetRegView lastused
  ${If} $WebView2Version == "0.0.0.0"
    StrCpy $WebView2Version ""
  ${EndIf}
FunctionEnd
