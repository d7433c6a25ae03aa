#include "textflag.h"

// SINCOS computes, for the four lanes of Y0, Y13 = sin, Y11 = cos and
// Y9 = −sin (the method of sincos in sincos.go), and ORs into Y14 the lanes
// with |x| ≥ sincosLimit or NaN. It needs AX = the constants, Y15 = 2/π and
// Y10 = the integer 1, and clobbers Y1–Y8 and Y12.
#define SINCOS \
	VMOVAPD      Y0, Y1 \
	VFMADD213PD  32(AX), Y15, Y1 \
	VSUBPD       32(AX), Y1, Y2 \
	VMOVAPD      Y0, Y3 \
	VFNMADD231PD 64(AX), Y2, Y3 \
	VFNMADD231PD 96(AX), Y2, Y3 \
	VFNMADD231PD 128(AX), Y2, Y3 \
	VMULPD       Y3, Y3, Y4 \
	VMOVUPD      160(AX), Y5 \
	VFMADD213PD  192(AX), Y4, Y5 \
	VFMADD213PD  224(AX), Y4, Y5 \
	VFMADD213PD  256(AX), Y4, Y5 \
	VFMADD213PD  288(AX), Y4, Y5 \
	VFMADD213PD  320(AX), Y4, Y5 \
	VMULPD       Y4, Y3, Y6 \
	VFMADD213PD  Y3, Y6, Y5 \
	VMOVUPD      352(AX), Y7 \
	VFMADD213PD  384(AX), Y4, Y7 \
	VFMADD213PD  416(AX), Y4, Y7 \
	VFMADD213PD  448(AX), Y4, Y7 \
	VFMADD213PD  480(AX), Y4, Y7 \
	VFMADD213PD  512(AX), Y4, Y7 \
	VMULPD       Y4, Y4, Y8 \
	VMOVUPD      576(AX), Y9 \
	VFNMADD231PD 544(AX), Y4, Y9 \
	VFMADD213PD  Y9, Y8, Y7 \
	VPAND        Y10, Y1, Y12 \
	VPCMPEQQ     Y10, Y12, Y12 \
	VBLENDVPD    Y12, Y7, Y5, Y13 \
	VBLENDVPD    Y12, Y5, Y7, Y11 \
	VPAND        640(AX), Y1, Y6 \
	VPSLLQ       $62, Y6, Y6 \
	VXORPD       Y6, Y13, Y13 \
	VPADDQ       Y10, Y1, Y6 \
	VPAND        640(AX), Y6, Y6 \
	VPSLLQ       $62, Y6, Y6 \
	VXORPD       Y6, Y11, Y11 \
	VXORPD       672(AX), Y13, Y9 \
	VANDPD       704(AX), Y0, Y8 \
	VCMPPD       $5, 736(AX), Y8, Y8 \
	VORPD        Y8, Y14, Y14


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

// func kern4x8(k int, a *float64, ar, ak int, b *float64, ldb int, c *float64, ldc int, mask *[8]int64, acc int)
// C[0:4][0:8] = Σ_{p<k} A(r, p)·B[p][0:8] with A(r, p) = a[r·ar + p·ak]
// (row-major A: ar = lda, ak = 1; Aᵀ of a row-major matrix: ar = 1,
// ak = lda), or with acc ≠ 0, C[0:4][0:8] + that sum. With mask ≠ nil,
// only the columns whose mask word is −1 are loaded and stored (the others
// must exist in neither B nor C).
TEXT ·kern4x8(SB), NOSPLIT, $0-80
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ ar+16(FP), R8
	MOVQ ak+24(FP), R14
	MOVQ b+32(FP), DI
	MOVQ ldb+40(FP), R9
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), R10
	MOVQ mask+64(FP), AX
	MOVQ acc+72(FP), R15
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
	TESTQ  R15, R15
	JE     st4
	MOVQ   DX, BX
	VADDPD (BX), Y0, Y0
	VADDPD 32(BX), Y1, Y1
	ADDQ   R10, BX
	VADDPD (BX), Y2, Y2
	VADDPD 32(BX), Y3, Y3
	ADDQ   R10, BX
	VADDPD (BX), Y4, Y4
	VADDPD 32(BX), Y5, Y5
	ADDQ   R10, BX
	VADDPD (BX), Y6, Y6
	VADDPD 32(BX), Y7, Y7

st4:
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
	TESTQ      R15, R15
	JE         stm
	MOVQ       DX, BX
	VMASKMOVPD (BX), Y14, Y8
	VADDPD     Y8, Y0, Y0
	VMASKMOVPD 32(BX), Y15, Y9
	VADDPD     Y9, Y1, Y1
	ADDQ       R10, BX
	VMASKMOVPD (BX), Y14, Y8
	VADDPD     Y8, Y2, Y2
	VMASKMOVPD 32(BX), Y15, Y9
	VADDPD     Y9, Y3, Y3
	ADDQ       R10, BX
	VMASKMOVPD (BX), Y14, Y8
	VADDPD     Y8, Y4, Y4
	VMASKMOVPD 32(BX), Y15, Y9
	VADDPD     Y9, Y5, Y5
	ADDQ       R10, BX
	VMASKMOVPD (BX), Y14, Y8
	VADDPD     Y8, Y6, Y6
	VMASKMOVPD 32(BX), Y15, Y9
	VADDPD     Y9, Y7, Y7

stm:
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

// func sincos4(n int, x, s, c, ns *float64, k *[25][4]float64)
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

// func sinTan4(rows, n int, z, zt, h, ht *float64, ldh int, d1, d2 *float64, mask *[8]int64, k *[25][4]float64) (bad int)
// For each of rows rows and each column j < n, with x = z[r·n + j]:
// h[r·ldh + j] = sin x, d1[r·n + j] = cos x, d2[r·n + j] = −sin x and
// ht[r·ldh + j] = cos x · zt[r·n + j]: the sin activation of a layer's value
// rows, its two derivatives and its tangent rows, in one pass. sin and cos
// are computed as by sincos4; mask selects the last n mod 4 columns (nil
// when n is a multiple of 4). bad is nonzero when some |x| ≥ sincosLimit or
// x is NaN: those entries are wrong and the caller recomputes them.
TEXT ·sinTan4(SB), NOSPLIT, $0-96
	MOVQ rows+0(FP), CX
	MOVQ n+8(FP), R11
	MOVQ z+16(FP), SI
	MOVQ zt+24(FP), R9
	MOVQ h+32(FP), DI
	MOVQ ht+40(FP), R10
	MOVQ ldh+48(FP), R13
	MOVQ d1+56(FP), DX
	MOVQ d2+64(FP), R8
	MOVQ mask+72(FP), BX
	MOVQ k+80(FP), AX
	MOVQ R11, R12
	ANDQ $3, R12
	SHLQ $3, R12       // tail bytes
	SHRQ $2, R11       // full vectors per row
	MOVQ R11, R14
	SHLQ $5, R14       // bytes of the full vectors
	SHLQ $3, R13
	SUBQ R14, R13      // h, ht: from the end of the full vectors to the next row
	VMOVUPD 0(AX), Y15  // 2/π
	VMOVUPD 608(AX), Y10 // integer 1
	VXORPD  Y14, Y14, Y14 // out-of-range lanes
	TESTQ   CX, CX
	JE      stdone

strow:
	MOVQ  R11, R15
	TESTQ R15, R15
	JE    sttail

stvec:
	VMOVUPD (SI), Y0
	SINCOS
	VMULPD  (R9), Y11, Y2
	VMOVUPD Y13, (DI)
	VMOVUPD Y11, (DX)
	VMOVUPD Y9, (R8)
	VMOVUPD Y2, (R10)
	ADDQ    $32, SI
	ADDQ    $32, R9
	ADDQ    $32, DI
	ADDQ    $32, R10
	ADDQ    $32, DX
	ADDQ    $32, R8
	DECQ    R15
	JNZ     stvec

sttail:
	TESTQ      BX, BX
	JE         stnext
	VMOVDQU    (BX), Y3
	VMASKMOVPD (SI), Y3, Y0
	SINCOS
	VMOVDQU    (BX), Y3
	VMASKMOVPD (R9), Y3, Y2
	VMULPD     Y2, Y11, Y2
	VMASKMOVPD Y13, Y3, (DI)
	VMASKMOVPD Y11, Y3, (DX)
	VMASKMOVPD Y9, Y3, (R8)
	VMASKMOVPD Y2, Y3, (R10)
	ADDQ       R12, SI
	ADDQ       R12, R9
	ADDQ       R12, DX
	ADDQ       R12, R8

stnext:
	ADDQ R13, DI
	ADDQ R13, R10
	DECQ CX
	JNZ  strow

stdone:
	VMOVMSKPD Y14, AX
	MOVQ      AX, bad+88(FP)
	VZEROUPPER
	RET

// func tanBack4(n int, gz, gt, d1, d2, zt *float64)
// For i < n (a multiple of 4): gz[i] = gz[i]·d1[i] + gt[i]·d2[i]·zt[i] and
// gt[i] = gt[i]·d1[i]: a hidden layer's gradients with respect to its
// outputs h and ḣ turned into gradients with respect to z and ż, for one
// tangent direction.
TEXT ·tanBack4(SB), NOSPLIT, $0-48
	MOVQ n+0(FP), CX
	MOVQ gz+8(FP), DI
	MOVQ gt+16(FP), SI
	MOVQ d1+24(FP), DX
	MOVQ d2+32(FP), R8
	MOVQ zt+40(FP), R9
	SHRQ $2, CX
	JZ   tbdone

tbloop:
	VMOVUPD     (DX), Y0
	VMOVUPD     (R8), Y1
	VMULPD      (R9), Y1, Y1
	VMOVUPD     (SI), Y2
	VMULPD      Y2, Y1, Y1
	VFMADD231PD (DI), Y0, Y1
	VMULPD      Y0, Y2, Y2
	VMOVUPD     Y1, (DI)
	VMOVUPD     Y2, (SI)
	ADDQ        $32, DI
	ADDQ        $32, SI
	ADDQ        $32, DX
	ADDQ        $32, R8
	ADDQ        $32, R9
	DECQ        CX
	JNZ         tbloop

tbdone:
	VZEROUPPER
	RET

// func pause()
TEXT ·pause(SB), NOSPLIT, $0-0
	PAUSE
	RET
