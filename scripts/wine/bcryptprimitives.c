/* A stand-in for Windows' bcryptprimitives.dll, for running our .exe files under Debian 12's
 * Wine 8.0 only (tests). Rust's standard library (1.78 and later) takes its random numbers from
 * ProcessPrng in that DLL, which every Windows 10 and 11 has and Wine has from 8.13 on; Wine 8.0
 * lacks the DLL, so no Rust program starts. This one answers ProcessPrng from RtlGenRandom
 * (advapi32's SystemFunction036). It is copied into the Wine prefix, never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
