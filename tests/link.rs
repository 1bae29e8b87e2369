//! The JIT linker: two PTX modules, one calling an `.extern` function and
//! reading an `.extern` variable the other defines, linked with
//! cuLinkCreate/AddData/Complete and loaded with cuModuleLoadData.

use std::ffi::c_void;

use cuda as _;

mod common;
use common::driver::*;

const LIB: &str = ".version 9.0\n.target sm_80\n.address_size 64\n\
.visible .global .align 4 .u32 bias = 1000;\n\
.visible .func (.param .b32 r) scale(.param .b32 x)\n{\n.reg .b32 %r<3>;\n\
ld.param.b32 %r1, [x];\nmul.lo.s32 %r2, %r1, 3;\nst.param.b32 [r], %r2;\nret;\n}\n\0";

const MAIN: &str = ".version 9.0\n.target sm_80\n.address_size 64\n\
.extern .global .align 4 .u32 bias;\n\
.extern .func (.param .b32 r) scale(.param .b32 x);\n\
.visible .entry k(.param .u64 out)\n{\n.reg .b32 %r<6>;\n.reg .b64 %rd<4>;\n\
ld.param.u64 %rd1, [out];\nmov.u32 %r1, %tid.x;\n\
{\n.param .b32 a0;\nst.param.b32 [a0], %r1;\n.param .b32 r0;\ncall.uni (r0), scale, (a0);\nld.param.b32 %r2, [r0];\n}\n\
ld.global.u32 %r3, [bias];\nadd.s32 %r4, %r2, %r3;\n\
mul.wide.u32 %rd2, %r1, 4;\nadd.s64 %rd3, %rd1, %rd2;\nst.global.u32 [%rd3], %r4;\nret;\n}\n\0";

/// CU_JIT_INPUT_PTX
const PTX: u32 = 1;

#[test]
fn linked_modules_resolve_extern_functions_and_variables() {
    // SAFETY: the driver API as documented; every pointer is a live local.
    unsafe {
        assert_eq!(cuInit(0), 0);
        let mut ctx = std::ptr::null_mut();
        assert_eq!(cuDevicePrimaryCtxRetain(&mut ctx, 0), 0);
        assert_eq!(cuCtxSetCurrent(ctx), 0);
        let mut st = std::ptr::null_mut();
        assert_eq!(cuLinkCreate_v2(0, std::ptr::null_mut(), std::ptr::null_mut(), &mut st), 0);
        for (src, name) in [(MAIN, c"main.ptx"), (LIB, c"lib.ptx")] {
            let r = cuLinkAddData_v2(
                st,
                PTX,
                src.as_ptr() as *mut c_void,
                src.len(),
                name.as_ptr(),
                0,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            );
            assert_eq!(r, 0);
        }
        let (mut image, mut size) = (std::ptr::null_mut(), 0usize);
        assert_eq!(cuLinkComplete(st, &mut image, &mut size), 0);
        assert!(!image.is_null() && size > 0);
        let mut m = std::ptr::null_mut();
        assert_eq!(cuModuleLoadData(&mut m, image), 0);
        let mut f = std::ptr::null_mut();
        assert_eq!(cuModuleGetFunction(&mut f, m, c"k".as_ptr()), 0);
        let mut out = 0u64;
        assert_eq!(cuMemAlloc_v2(&mut out, 32 * 4), 0);
        let mut params = [&mut out as *mut u64 as *mut c_void];
        assert_eq!(
            cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, std::ptr::null_mut(), params.as_mut_ptr(), std::ptr::null_mut()),
            0
        );
        assert_eq!(cuCtxSynchronize(), 0);
        let mut host = [0u32; 32];
        assert_eq!(cuMemcpyDtoH_v2(host.as_mut_ptr().cast(), out, 32 * 4), 0);
        let expect: Vec<u32> = (0..32).map(|t| t * 3 + 1000).collect();
        assert_eq!(host.to_vec(), expect);
        assert_eq!(cuLinkDestroy(st), 0);
        // A module whose extern function has no definition anywhere fails to load.
        let mut st2 = std::ptr::null_mut();
        assert_eq!(cuLinkCreate_v2(0, std::ptr::null_mut(), std::ptr::null_mut(), &mut st2), 0);
        let r = cuLinkAddData_v2(
            st2,
            PTX,
            MAIN.as_ptr() as *mut c_void,
            MAIN.len(),
            c"main.ptx".as_ptr(),
            0,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        );
        assert_eq!(r, 0);
        assert_eq!(cuLinkComplete(st2, &mut image, &mut size), 0);
        assert_ne!(cuModuleLoadData(&mut m, image), 0, "an unresolved extern is an error");
        assert_eq!(cuLinkDestroy(st2), 0);
    }
}
