#include "textflag.h"

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET

// func kern4x8(k int, a *float64, ar, ak int, b *float64, ldb int, c *float64, ldc int, mask *[8]int64)
// C[0:4][0:8] = Σ_{p<k} A(r, p)·B[p][0:8] with A(r, p) = a[r·ar + p·ak]
// (row-major A: ar = lda, ak = 1; Aᵀ of a row-major matrix: ar = 1,
// ak = lda). With mask ≠ nil, only the columns whose mask word is −1 are
// loaded and stored (the others must exist in neither B nor C).
TEXT ·kern4x8(SB), NOSPLIT, $0-72
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ ar+16(FP), R8
	MOVQ ak+24(FP), R14
	MOVQ b+32(FP), DI
	MOVQ ldb+40(FP), R9
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), R10
	MOVQ mask+64(FP), AX
	SHLQ $3, R8
	SHLQ $3, R14
	SHLQ $3, R9
	SHLQ $3, R10
	LEAQ (SI)(R8*1), R11
	LEAQ (R11)(R8*1), R12
	LEAQ (R12)(R8*1), R13
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	TESTQ AX, AX
	JNE   masked
	TESTQ CX, CX
	JE    store4

loop4:
	VMOVUPD      (DI), Y8
	VMOVUPD      32(DI), Y9
	VBROADCASTSD (SI), Y10
	VFMADD231PD  Y8, Y10, Y0
	VFMADD231PD  Y9, Y10, Y1
	VBROADCASTSD (R11), Y11
	VFMADD231PD  Y8, Y11, Y2
	VFMADD231PD  Y9, Y11, Y3
	VBROADCASTSD (R12), Y12
	VFMADD231PD  Y8, Y12, Y4
	VFMADD231PD  Y9, Y12, Y5
	VBROADCASTSD (R13), Y13
	VFMADD231PD  Y8, Y13, Y6
	VFMADD231PD  Y9, Y13, Y7
	ADDQ         R14, SI
	ADDQ         R14, R11
	ADDQ         R14, R12
	ADDQ         R14, R13
	ADDQ         R9, DI
	DECQ         CX
	JNZ          loop4

store4:
	VMOVUPD Y0, (DX)
	VMOVUPD Y1, 32(DX)
	ADDQ    R10, DX
	VMOVUPD Y2, (DX)
	VMOVUPD Y3, 32(DX)
	ADDQ    R10, DX
	VMOVUPD Y4, (DX)
	VMOVUPD Y5, 32(DX)
	ADDQ    R10, DX
	VMOVUPD Y6, (DX)
	VMOVUPD Y7, 32(DX)
	VZEROUPPER
	RET

masked:
	VMOVDQU (AX), Y14
	VMOVDQU 32(AX), Y15
	TESTQ   CX, CX
	JE      storem

loopm:
	VMASKMOVPD   (DI), Y14, Y8
	VMASKMOVPD   32(DI), Y15, Y9
	VBROADCASTSD (SI), Y10
	VFMADD231PD  Y8, Y10, Y0
	VFMADD231PD  Y9, Y10, Y1
	VBROADCASTSD (R11), Y11
	VFMADD231PD  Y8, Y11, Y2
	VFMADD231PD  Y9, Y11, Y3
	VBROADCASTSD (R12), Y12
	VFMADD231PD  Y8, Y12, Y4
	VFMADD231PD  Y9, Y12, Y5
	VBROADCASTSD (R13), Y13
	VFMADD231PD  Y8, Y13, Y6
	VFMADD231PD  Y9, Y13, Y7
	ADDQ         R14, SI
	ADDQ         R14, R11
	ADDQ         R14, R12
	ADDQ         R14, R13
	ADDQ         R9, DI
	DECQ         CX
	JNZ          loopm

storem:
	VMASKMOVPD Y0, Y14, (DX)
	VMASKMOVPD Y1, Y15, 32(DX)
	ADDQ       R10, DX
	VMASKMOVPD Y2, Y14, (DX)
	VMASKMOVPD Y3, Y15, 32(DX)
	ADDQ       R10, DX
	VMASKMOVPD Y4, Y14, (DX)
	VMASKMOVPD Y5, Y15, 32(DX)
	ADDQ       R10, DX
	VMASKMOVPD Y6, Y14, (DX)
	VMASKMOVPD Y7, Y15, 32(DX)
	VZEROUPPER
	RET

// func kern1x8(k int, a *float64, ak int, b *float64, ldb int, c *float64, mask *[8]int64)
// C[0:8] = Σ_{p<k} a[p·ak]·B[p][0:8], masked as kern4x8.
TEXT ·kern1x8(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ ak+16(FP), R14
	MOVQ b+24(FP), DI
	MOVQ ldb+32(FP), R9
	MOVQ c+40(FP), DX
	MOVQ mask+48(FP), AX
	SHLQ $3, R14
	SHLQ $3, R9
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VPCMPEQQ Y14, Y14, Y14 // all ones: no mask
	VPCMPEQQ Y15, Y15, Y15
	TESTQ AX, AX
	JE    start1
	VMOVDQU (AX), Y14
	VMOVDQU 32(AX), Y15

start1:
	TESTQ CX, CX
	JE    store1

loop1:
	VMASKMOVPD   (DI), Y14, Y8
	VMASKMOVPD   32(DI), Y15, Y9
	VBROADCASTSD (SI), Y10
	VFMADD231PD  Y8, Y10, Y0
	VFMADD231PD  Y9, Y10, Y1
	ADDQ         R14, SI
	ADDQ         R9, DI
	DECQ         CX
	JNZ          loop1

store1:
	VMASKMOVPD Y0, Y14, (DX)
	VMASKMOVPD Y1, Y15, 32(DX)
	VZEROUPPER
	RET

// func sincos4(n int, x, s, c, ns *float64, k *[23][4]float64)
// For i < n (a multiple of 4): s[i] = sin x[i], c[i] = cos x[i],
// ns[i] = −sin x[i], by the method of sincos (sincos.go) on four lanes at
// a time. k holds the constants, four copies each (see sincosConst).
// Lanes with |x| ≥ sincosLimit or NaN are wrong and fixed up by the caller.
TEXT ·sincos4(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ s+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ns+32(FP), R8
	MOVQ k+40(FP), AX
	SHRQ $2, CX
	JZ   scdone
	VMOVUPD 0(AX), Y15     // 2/π
	VMOVUPD 32(AX), Y14    // 1.5·2⁵²
	VMOVUPD 608(AX), Y10   // integer 1

scloop:
	VMOVUPD      (SI), Y0
	VMOVAPD      Y0, Y1
	VFMADD213PD  Y14, Y15, Y1   // t = x·2/π + magic
	VSUBPD       Y14, Y1, Y2    // q = t − magic
	VMOVAPD      Y0, Y3
	VFNMADD231PD 64(AX), Y2, Y3 // r = x − q·p1 − q·p2 − q·p3
	VFNMADD231PD 96(AX), Y2, Y3
	VFNMADD231PD 128(AX), Y2, Y3
	VMULPD       Y3, Y3, Y4     // z = r²

	VMOVUPD     160(AX), Y5    // sin polynomial
	VFMADD213PD 192(AX), Y4, Y5
	VFMADD213PD 224(AX), Y4, Y5
	VFMADD213PD 256(AX), Y4, Y5
	VFMADD213PD 288(AX), Y4, Y5
	VFMADD213PD 320(AX), Y4, Y5
	VMULPD      Y4, Y3, Y6     // r·z
	VFMADD213PD Y3, Y6, Y5     // sr = r + r·z·P(z)

	VMOVUPD      352(AX), Y7   // cos polynomial
	VFMADD213PD  384(AX), Y4, Y7
	VFMADD213PD  416(AX), Y4, Y7
	VFMADD213PD  448(AX), Y4, Y7
	VFMADD213PD  480(AX), Y4, Y7
	VFMADD213PD  512(AX), Y4, Y7
	VMULPD       Y4, Y4, Y8    // z²
	VMOVUPD      576(AX), Y9   // 1
	VFNMADD231PD 544(AX), Y4, Y9 // 1 − z/2
	VFMADD213PD  Y9, Y8, Y7    // cr = 1 − z/2 + z²·Q(z)

	VPAND      Y10, Y1, Y12     // q & 1
	VPCMPEQQ   Y10, Y12, Y12    // all ones where q is odd
	VBLENDVPD  Y12, Y7, Y5, Y13 // sin before sign: odd q → cr
	VBLENDVPD  Y12, Y5, Y7, Y11 // cos before sign: odd q → sr
	VPAND      640(AX), Y1, Y6  // q & 2
	VPSLLQ     $62, Y6, Y6
	VXORPD     Y6, Y13, Y13
	VPADDQ     Y10, Y1, Y6      // (q + 1) & 2
	VPAND      640(AX), Y6, Y6
	VPSLLQ     $62, Y6, Y6
	VXORPD     Y6, Y11, Y11
	VXORPD     672(AX), Y13, Y9 // −sin

	VMOVUPD Y13, (DI)
	VMOVUPD Y11, (DX)
	VMOVUPD Y9, (R8)
	ADDQ    $32, SI
	ADDQ    $32, DI
	ADDQ    $32, DX
	ADDQ    $32, R8
	DECQ    CX
	JNZ     scloop

scdone:
	VZEROUPPER
	RET

// func pause()
TEXT ·pause(SB), NOSPLIT, $0-0
	PAUSE
	RET
