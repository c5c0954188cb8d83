/* Marks one symbol-version requirement of an ELF64 shared library as weak (VER_FLG_WEAK).
 *
 * Why: TorchSharp 0.107's libLibTorchSharp.so was linked against a newer libstdc++ and asks
 * for version GLIBCXX_3.4.32, which Debian 12 lacks. A weak requirement lets the dynamic
 * loader accept a libstdc++ without that version instead of refusing to load the library.
 * The only symbol bound to that version is provided by ios_base_shim.c.
 *
 * Usage: weaken_verneed FILE VERSION   (idempotent; exit 0 when done or already weak) */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *read_all(const char *path, long *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(*size);
    if (buf && fread(buf, 1, *size, f) != (size_t)*size) { free(buf); buf = NULL; }
    fclose(f);
    return buf;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s FILE VERSION\n", argv[0]); return 2; }
    long size;
    unsigned char *elf = read_all(argv[1], &size);
    if (!elf) { fprintf(stderr, "cannot read %s\n", argv[1]); return 1; }
    Elf64_Ehdr *eh = (Elf64_Ehdr *)elf;
    if (size < (long)sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64) {
        fprintf(stderr, "%s is not an ELF64 file\n", argv[1]); return 1;
    }
    Elf64_Shdr *sh = (Elf64_Shdr *)(elf + eh->e_shoff);
    int found = 0, changed = 0;
    for (int i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_GNU_verneed) continue;
        const char *strtab = (const char *)(elf + sh[sh[i].sh_link].sh_offset);
        unsigned char *p = elf + sh[i].sh_offset;
        for (;;) {
            Elf64_Verneed *vn = (Elf64_Verneed *)p;
            unsigned char *q = p + vn->vn_aux;
            for (int k = 0; k < vn->vn_cnt; k++) {
                Elf64_Vernaux *va = (Elf64_Vernaux *)q;
                if (strcmp(strtab + va->vna_name, argv[2]) == 0) {
                    found = 1;
                    if (!(va->vna_flags & VER_FLG_WEAK)) { va->vna_flags |= VER_FLG_WEAK; changed = 1; }
                }
                if (!va->vna_next) break;
                q += va->vna_next;
            }
            if (!vn->vn_next) break;
            p += vn->vn_next;
        }
    }
    if (!found) { printf("%s: no requirement on %s, nothing to do\n", argv[1], argv[2]); return 0; }
    if (changed) {
        FILE *f = fopen(argv[1], "r+b");
        if (!f || fwrite(elf, 1, size, f) != (size_t)size || fclose(f)) { fprintf(stderr, "cannot write %s\n", argv[1]); return 1; }
    }
    printf("%s: %s requirement is weak\n", argv[1], argv[2]);
    return 0;
}
