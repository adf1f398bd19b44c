struct Foo { struct { int m[1] } y; struct { int n; } a; unsigned b:3, :0, c:30; struct Foo *next;
  int (*fp)(int, char *, ...); struct X *x; char s[sizeof(long) * 2 + (1 << 2)]; };
typedef unsigned long ul; enum E { A = 1, B, C = A + 4 };
struct __attribute__((packed)) P { char a; int b __attribute__((aligned(4))); u64 c; } __attribute__((aligned(8)));
union U { const volatile int *const p[2][3]; _Bool f:1; struct { short q; }; };
