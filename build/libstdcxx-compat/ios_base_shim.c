/* Defines std::ios_base_library_init(), which libstdc++ 13+ exports and GCC 13 headers reference
 * from every translation unit that includes <iostream>. libLibTorchSharp.so references it; older
 * libstdc++ (Debian 12: GCC 12) has no such symbol. It only exists to order iostream
 * initialisation, which the older libstdc++ already does on its own, so an empty body is right. */
void _ZSt21ios_base_library_initv(void) {}
