/* Declarations whose layout test_cdecl.c compares with gcc's: each entry's
 * text, and (when it uses what only bpftrace accepts, such as a missing
 * ';') the same declarations as gcc wants them. */
#ifndef TV_TEST_CDECL_CORPUS_H
#define TV_TEST_CDECL_CORPUS_H

struct cdecl_case {
	const char *decl, *gcc;
};

static const struct cdecl_case corpus[] = {
    {"struct A { int x[4]; }", "struct A { int x[4]; };"},
    {"struct Foo { struct { int m[1] } y; struct { int n; } a; };",
     "struct Foo { struct { int m[1]; } y; struct { int n; } a; };"},
    {"struct B { int a; struct { char b; long c; }; union { int d; char e[3]; }; };", NULL},
    {"struct C { char a; signed char b; unsigned char c; short d; short int e; signed short f;"
     " unsigned short int g; int h; signed i; unsigned j; unsigned int k; long l; long int m;"
     " signed long n; unsigned long o; unsigned long int p; long long q; long long int r;"
     " unsigned long long s; unsigned long long int t; long unsigned u; _Bool v; bool w;"
     " int long x; char signed y; int unsigned short z; long long unsigned int aa; };",
     NULL},
    {"struct D { int8_t a; uint8_t b; int16_t c; uint16_t d; int32_t e; uint32_t f; int64_t g;"
     " uint64_t h; size_t i; ssize_t j; uintptr_t k; intptr_t l; pid_t m; uid_t n; gid_t o;"
     " off_t p; char q; };",
     NULL},
    {"struct E { u8 a; u16 b; u32 c; u64 d; s8 e; s16 f; s32 g; s64 h; __u8 i; __u16 j;"
     " __u32 k; __u64 l; __s8 m; __s16 n; __s32 o; __s64 p; __be16 q; __be32 r; __be64 s;"
     " __le16 t; __le32 u; __le64 v; char w; };",
     NULL},
    {"struct F { int8 a; uint8 b; int16 c; uint16 d; int32 e; uint32 f; int64 g; uint64 h; "
     "char i; };",
     NULL},
    {"struct G { unsigned a:1, b:2, c:29; unsigned d:4; };", NULL},
    {"struct H { char a; int b:30; int c:5; };", NULL},
    {"struct I { char a:3; int :0; char b:2; };", NULL},
    {"struct J { int a:3; int :5; int b:4; long c:40; };", NULL},
    {"struct K { unsigned char a:4; unsigned short b:10; unsigned int c:20; "
     "unsigned long long d:40; char e; };",
     NULL},
    {"struct __attribute__((packed)) L { char a; int b; short c; long d; };", NULL},
    {"struct M { char a; int b:3; long c; } __attribute__((packed));", NULL},
    {"struct N { char a; } __attribute__((aligned(16))); struct N2 { char c; struct N n; };", NULL},
    {"struct O { char a; int b __attribute__((aligned(8))); char c; };", NULL},
    {"struct P { char a; int b __attribute__((packed)); char c; };", NULL},
    {"struct __attribute__((packed)) Q { char a; int b __attribute__((aligned(4))); char c; };",
     NULL},
    {"struct R { char *a; int **b; void *c; const char *d; struct R *next; char e; };", NULL},
    {"struct S { int (*f)(int, char *); void (*g)(void); char c; long (*h[3])(long, ...); };",
     NULL},
    {"struct T { int a[2][3]; char b[3][5][7]; short c; };", NULL},
    {"struct U { struct V { char x; double y; } v; struct V w[2]; int z; };", NULL},
    {"union W { char a; int b; long c[3]; struct { short d, e; } f; };", NULL},
    {"union X { int a:3; unsigned b:17; char c; };", NULL},
    {"enum E1 { A1 = 1, B1, C1 = 10, D1 }; struct Y { enum E1 e; char c; enum E1 f:4; };", NULL},
    {"enum { N = 4, M = N * 2 }; struct Z { int a[N]; char b[M + 1]; int c[(1 << 3) - 2];"
     " char d[sizeof(int) * 3]; char e[sizeof(struct Z *)]; char f[10 / 3 % 2]; };",
     NULL},
    {"typedef unsigned long ul; typedef struct { ul a; char b; } TS;"
     " struct AA { TS t; ul u; TS arr[2]; };",
     NULL},
    {"typedef int T1; typedef T1 T2; typedef T2 T3[4]; struct AB { T3 a; T2 b; char c; };", NULL},
    {"struct AC; struct AD { struct AC *p; int n; }; struct AC { struct AD d; char c; };", NULL},
    {"struct AE { const int a; volatile char b; const volatile long c; int *const d;"
     " const char *volatile e; char f; };",
     NULL},
    {"struct AF { char a; float b; double c; char d; long double e; char f; };", NULL},
    {"struct AG { char a[3]; short b; char c[5]; int d; };", NULL},
    {"struct AH { int n; char data[]; };", NULL},
    {"struct AI { int n; char data[0]; };", NULL},
    {"struct AJ { struct { struct { union { int a; char b[5]; }; short c; }; long d; }; char e; };",
     NULL},
    {"typedef int aint __attribute__((aligned(8))); struct AK { char a; aint b; };", NULL},
    {"struct AL { char a; _Alignas(16) int b; };", NULL},
    {"/* c */ struct AM { // x\n int a; /* y\n z */ char b; };", NULL},
    {"struct AN { int a; } struct AO { char b; }", "struct AN { int a; }; struct AO { char b; };"},
    {"struct AP { _Bool a:1; _Bool b:1; int c; };", NULL},
    {"struct AQ { char a; __int128 b; unsigned __int128 c; };", NULL},
    {"struct AR { char a; } __attribute__((aligned)); struct AR2 { char a; struct AR r; };", NULL},
    {"union __attribute__((packed)) AS { char a; int b; }; struct AS2 { char c; union AS u; };",
     NULL},
    {"struct AT { char a[3]; unsigned b:9; unsigned c:20; };", NULL},
    {"struct AU { unsigned long a:60; unsigned long b:10; };", NULL},
    {"struct AV { char a; long :0; char b; };", NULL},
    {"struct __attribute__((packed)) AW { char a; int b:30; int c:5; };", NULL},
    {"struct AX { struct { char a; int b; } s[3]; char c; };", NULL},
    {"struct AZ { char a[(unsigned long)3 + sizeof(long long)]; char b[_Alignof(double)];"
     " char c[1 ? 2 : 3]; char d['a' - 90]; char e[0x10]; char f[010]; char g[-(-3)]; };",
     NULL},
    {"typedef void (*cb_t)(int); struct BA { cb_t cb; char c; cb_t arr[2]; };", NULL},
    {"struct BB { int (*p)[4]; char c; int *(*q)(int (*)[2]); };", NULL},
    {"struct BC { char big[1 << 20]; int x; };", NULL},
    {"struct __attribute__((aligned(32))) BD { int a; }; struct BE { char c; struct BD d; char e; "
     "};",
     NULL},
    {"enum __attribute__((packed)) PE { PA, PB = 200 }; struct BF { enum PE a; char b; enum PE c; "
     "};",
     NULL},
    {"enum NE { NA = -5, NB }; struct BG { enum NE a; char b; };", NULL},
    {"struct BH { char a; struct { char b; int c:4; }; int d:4; };", NULL},
    {"struct BI { char a; int b:4 __attribute__((aligned(8))); char c; };", NULL},
    {"struct BJ { short a:9; short b:9; char c; long d:1; };", NULL},
    {"typedef struct BK { int v; struct BK *next; } BK_t; struct BL { BK_t k; BK_t *p; };", NULL},
    {"struct BM {\n  unsigned int flags;\n  union {\n    struct { u16 lo, hi; };\n"
     "    u32 all;\n  } u;\n  u64 stamp;\n};\n",
     NULL},
};

#endif
