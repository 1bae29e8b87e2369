//! Device attributes of the emulated GPU.
//!
//! Answers for `cuDeviceGetAttribute` (CUDA driver API, device management):
//! one value for every `CUdevice_attribute` id from 1 to
//! `CU_DEVICE_ATTRIBUTE_MAX - 1` as of CUDA 13.5. The device presents itself
//! as a modest compute-capability 8.0 part: A100-like limits (threads,
//! registers, shared memory per SM, L2, texture sizes) with a fixed, small SM
//! count, a nominal 1 GHz clock, no ECC, and everything that needs Hopper
//! (clusters, TMA) or features this driver does not offer (IPC handles,
//! virtual memory management, read-only host registration) reported as
//! absent. The PCI bus number is the device's index (`device.rs` answers it
//! per device; the table holds device 0's).
//!
//! This module is self-contained (no crate imports) so that it can be
//! included from the driver and tested on its own.

/// `CUdevice_attribute` ids, named as in cuda.h without the
/// `CU_DEVICE_ATTRIBUTE_` prefix (aliases included).
#[allow(dead_code)]
pub mod attr {
    pub const MAX_THREADS_PER_BLOCK: i32 = 1;
    pub const MAX_BLOCK_DIM_X: i32 = 2;
    pub const MAX_BLOCK_DIM_Y: i32 = 3;
    pub const MAX_BLOCK_DIM_Z: i32 = 4;
    pub const MAX_GRID_DIM_X: i32 = 5;
    pub const MAX_GRID_DIM_Y: i32 = 6;
    pub const MAX_GRID_DIM_Z: i32 = 7;
    pub const MAX_SHARED_MEMORY_PER_BLOCK: i32 = 8;
    pub const SHARED_MEMORY_PER_BLOCK: i32 = 8;
    pub const TOTAL_CONSTANT_MEMORY: i32 = 9;
    pub const WARP_SIZE: i32 = 10;
    pub const MAX_PITCH: i32 = 11;
    pub const MAX_REGISTERS_PER_BLOCK: i32 = 12;
    pub const REGISTERS_PER_BLOCK: i32 = 12;
    pub const CLOCK_RATE: i32 = 13;
    pub const TEXTURE_ALIGNMENT: i32 = 14;
    pub const GPU_OVERLAP: i32 = 15;
    pub const MULTIPROCESSOR_COUNT: i32 = 16;
    pub const KERNEL_EXEC_TIMEOUT: i32 = 17;
    pub const INTEGRATED: i32 = 18;
    pub const CAN_MAP_HOST_MEMORY: i32 = 19;
    pub const COMPUTE_MODE: i32 = 20;
    pub const MAXIMUM_TEXTURE1D_WIDTH: i32 = 21;
    pub const MAXIMUM_TEXTURE2D_WIDTH: i32 = 22;
    pub const MAXIMUM_TEXTURE2D_HEIGHT: i32 = 23;
    pub const MAXIMUM_TEXTURE3D_WIDTH: i32 = 24;
    pub const MAXIMUM_TEXTURE3D_HEIGHT: i32 = 25;
    pub const MAXIMUM_TEXTURE3D_DEPTH: i32 = 26;
    pub const MAXIMUM_TEXTURE2D_LAYERED_WIDTH: i32 = 27;
    pub const MAXIMUM_TEXTURE2D_LAYERED_HEIGHT: i32 = 28;
    pub const MAXIMUM_TEXTURE2D_LAYERED_LAYERS: i32 = 29;
    pub const MAXIMUM_TEXTURE2D_ARRAY_WIDTH: i32 = 27;
    pub const MAXIMUM_TEXTURE2D_ARRAY_HEIGHT: i32 = 28;
    pub const MAXIMUM_TEXTURE2D_ARRAY_NUMSLICES: i32 = 29;
    pub const SURFACE_ALIGNMENT: i32 = 30;
    pub const CONCURRENT_KERNELS: i32 = 31;
    pub const ECC_ENABLED: i32 = 32;
    pub const PCI_BUS_ID: i32 = 33;
    pub const PCI_DEVICE_ID: i32 = 34;
    pub const TCC_DRIVER: i32 = 35;
    pub const MEMORY_CLOCK_RATE: i32 = 36;
    pub const GLOBAL_MEMORY_BUS_WIDTH: i32 = 37;
    pub const L2_CACHE_SIZE: i32 = 38;
    pub const MAX_THREADS_PER_MULTIPROCESSOR: i32 = 39;
    pub const ASYNC_ENGINE_COUNT: i32 = 40;
    pub const UNIFIED_ADDRESSING: i32 = 41;
    pub const MAXIMUM_TEXTURE1D_LAYERED_WIDTH: i32 = 42;
    pub const MAXIMUM_TEXTURE1D_LAYERED_LAYERS: i32 = 43;
    pub const CAN_TEX2D_GATHER: i32 = 44;
    pub const MAXIMUM_TEXTURE2D_GATHER_WIDTH: i32 = 45;
    pub const MAXIMUM_TEXTURE2D_GATHER_HEIGHT: i32 = 46;
    pub const MAXIMUM_TEXTURE3D_WIDTH_ALTERNATE: i32 = 47;
    pub const MAXIMUM_TEXTURE3D_HEIGHT_ALTERNATE: i32 = 48;
    pub const MAXIMUM_TEXTURE3D_DEPTH_ALTERNATE: i32 = 49;
    pub const PCI_DOMAIN_ID: i32 = 50;
    pub const TEXTURE_PITCH_ALIGNMENT: i32 = 51;
    pub const MAXIMUM_TEXTURECUBEMAP_WIDTH: i32 = 52;
    pub const MAXIMUM_TEXTURECUBEMAP_LAYERED_WIDTH: i32 = 53;
    pub const MAXIMUM_TEXTURECUBEMAP_LAYERED_LAYERS: i32 = 54;
    pub const MAXIMUM_SURFACE1D_WIDTH: i32 = 55;
    pub const MAXIMUM_SURFACE2D_WIDTH: i32 = 56;
    pub const MAXIMUM_SURFACE2D_HEIGHT: i32 = 57;
    pub const MAXIMUM_SURFACE3D_WIDTH: i32 = 58;
    pub const MAXIMUM_SURFACE3D_HEIGHT: i32 = 59;
    pub const MAXIMUM_SURFACE3D_DEPTH: i32 = 60;
    pub const MAXIMUM_SURFACE1D_LAYERED_WIDTH: i32 = 61;
    pub const MAXIMUM_SURFACE1D_LAYERED_LAYERS: i32 = 62;
    pub const MAXIMUM_SURFACE2D_LAYERED_WIDTH: i32 = 63;
    pub const MAXIMUM_SURFACE2D_LAYERED_HEIGHT: i32 = 64;
    pub const MAXIMUM_SURFACE2D_LAYERED_LAYERS: i32 = 65;
    pub const MAXIMUM_SURFACECUBEMAP_WIDTH: i32 = 66;
    pub const MAXIMUM_SURFACECUBEMAP_LAYERED_WIDTH: i32 = 67;
    pub const MAXIMUM_SURFACECUBEMAP_LAYERED_LAYERS: i32 = 68;
    pub const MAXIMUM_TEXTURE1D_LINEAR_WIDTH: i32 = 69;
    pub const MAXIMUM_TEXTURE2D_LINEAR_WIDTH: i32 = 70;
    pub const MAXIMUM_TEXTURE2D_LINEAR_HEIGHT: i32 = 71;
    pub const MAXIMUM_TEXTURE2D_LINEAR_PITCH: i32 = 72;
    pub const MAXIMUM_TEXTURE2D_MIPMAPPED_WIDTH: i32 = 73;
    pub const MAXIMUM_TEXTURE2D_MIPMAPPED_HEIGHT: i32 = 74;
    pub const COMPUTE_CAPABILITY_MAJOR: i32 = 75;
    pub const COMPUTE_CAPABILITY_MINOR: i32 = 76;
    pub const MAXIMUM_TEXTURE1D_MIPMAPPED_WIDTH: i32 = 77;
    pub const STREAM_PRIORITIES_SUPPORTED: i32 = 78;
    pub const GLOBAL_L1_CACHE_SUPPORTED: i32 = 79;
    pub const LOCAL_L1_CACHE_SUPPORTED: i32 = 80;
    pub const MAX_SHARED_MEMORY_PER_MULTIPROCESSOR: i32 = 81;
    pub const MAX_REGISTERS_PER_MULTIPROCESSOR: i32 = 82;
    pub const MANAGED_MEMORY: i32 = 83;
    pub const MULTI_GPU_BOARD: i32 = 84;
    pub const MULTI_GPU_BOARD_GROUP_ID: i32 = 85;
    pub const HOST_NATIVE_ATOMIC_SUPPORTED: i32 = 86;
    pub const SINGLE_TO_DOUBLE_PRECISION_PERF_RATIO: i32 = 87;
    pub const PAGEABLE_MEMORY_ACCESS: i32 = 88;
    pub const CONCURRENT_MANAGED_ACCESS: i32 = 89;
    pub const COMPUTE_PREEMPTION_SUPPORTED: i32 = 90;
    pub const CAN_USE_HOST_POINTER_FOR_REGISTERED_MEM: i32 = 91;
    pub const CAN_USE_STREAM_MEM_OPS_V1: i32 = 92;
    pub const CAN_USE_64_BIT_STREAM_MEM_OPS_V1: i32 = 93;
    pub const CAN_USE_STREAM_WAIT_VALUE_NOR_V1: i32 = 94;
    pub const COOPERATIVE_LAUNCH: i32 = 95;
    pub const COOPERATIVE_MULTI_DEVICE_LAUNCH: i32 = 96;
    pub const MAX_SHARED_MEMORY_PER_BLOCK_OPTIN: i32 = 97;
    pub const CAN_FLUSH_REMOTE_WRITES: i32 = 98;
    pub const HOST_REGISTER_SUPPORTED: i32 = 99;
    pub const PAGEABLE_MEMORY_ACCESS_USES_HOST_PAGE_TABLES: i32 = 100;
    pub const DIRECT_MANAGED_MEM_ACCESS_FROM_HOST: i32 = 101;
    pub const VIRTUAL_ADDRESS_MANAGEMENT_SUPPORTED: i32 = 102;
    pub const VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED: i32 = 102;
    pub const HANDLE_TYPE_POSIX_FILE_DESCRIPTOR_SUPPORTED: i32 = 103;
    pub const HANDLE_TYPE_WIN32_HANDLE_SUPPORTED: i32 = 104;
    pub const HANDLE_TYPE_WIN32_KMT_HANDLE_SUPPORTED: i32 = 105;
    pub const MAX_BLOCKS_PER_MULTIPROCESSOR: i32 = 106;
    pub const GENERIC_COMPRESSION_SUPPORTED: i32 = 107;
    pub const MAX_PERSISTING_L2_CACHE_SIZE: i32 = 108;
    pub const MAX_ACCESS_POLICY_WINDOW_SIZE: i32 = 109;
    pub const GPU_DIRECT_RDMA_WITH_CUDA_VMM_SUPPORTED: i32 = 110;
    pub const RESERVED_SHARED_MEMORY_PER_BLOCK: i32 = 111;
    pub const SPARSE_CUDA_ARRAY_SUPPORTED: i32 = 112;
    pub const READ_ONLY_HOST_REGISTER_SUPPORTED: i32 = 113;
    pub const TIMELINE_SEMAPHORE_INTEROP_SUPPORTED: i32 = 114;
    pub const MEMORY_POOLS_SUPPORTED: i32 = 115;
    pub const GPU_DIRECT_RDMA_SUPPORTED: i32 = 116;
    pub const GPU_DIRECT_RDMA_FLUSH_WRITES_OPTIONS: i32 = 117;
    pub const GPU_DIRECT_RDMA_WRITES_ORDERING: i32 = 118;
    pub const MEMPOOL_SUPPORTED_HANDLE_TYPES: i32 = 119;
    pub const CLUSTER_LAUNCH: i32 = 120;
    pub const DEFERRED_MAPPING_CUDA_ARRAY_SUPPORTED: i32 = 121;
    pub const CAN_USE_64_BIT_STREAM_MEM_OPS: i32 = 122;
    pub const CAN_USE_STREAM_WAIT_VALUE_NOR: i32 = 123;
    pub const DMA_BUF_SUPPORTED: i32 = 124;
    pub const IPC_EVENT_SUPPORTED: i32 = 125;
    pub const MEM_SYNC_DOMAIN_COUNT: i32 = 126;
    pub const TENSOR_MAP_ACCESS_SUPPORTED: i32 = 127;
    pub const HANDLE_TYPE_FABRIC_SUPPORTED: i32 = 128;
    pub const UNIFIED_FUNCTION_POINTERS: i32 = 129;
    pub const NUMA_CONFIG: i32 = 130;
    pub const NUMA_ID: i32 = 131;
    pub const MULTICAST_SUPPORTED: i32 = 132;
    pub const MPS_ENABLED: i32 = 133;
    pub const HOST_NUMA_ID: i32 = 134;
    pub const D3D12_CIG_SUPPORTED: i32 = 135;
    pub const MEM_DECOMPRESS_ALGORITHM_MASK: i32 = 136;
    pub const MEM_DECOMPRESS_MAXIMUM_LENGTH: i32 = 137;
    pub const VULKAN_CIG_SUPPORTED: i32 = 138;
    pub const GPU_PCI_DEVICE_ID: i32 = 139;
    pub const GPU_PCI_SUBSYSTEM_ID: i32 = 140;
    pub const HOST_NUMA_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED: i32 = 141;
    pub const HOST_NUMA_MEMORY_POOLS_SUPPORTED: i32 = 142;
    pub const HOST_NUMA_MULTINODE_IPC_SUPPORTED: i32 = 143;
    pub const HOST_MEMORY_POOLS_SUPPORTED: i32 = 144;
    pub const HOST_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED: i32 = 145;
    pub const HOST_ALLOC_DMA_BUF_SUPPORTED: i32 = 146;
    pub const ONLY_PARTIAL_HOST_NATIVE_ATOMIC_SUPPORTED: i32 = 147;
    pub const ATOMIC_REDUCTION_SUPPORTED: i32 = 148;
    pub const LOCALITY_DOMAIN_COUNT: i32 = 149;
    pub const MAX_OVERSIZED_SHARED_MEMORY_PER_BLOCK: i32 = 150;
    pub const D3D12_CIG_STREAMS_SUPPORTED: i32 = 151;
    pub const DMA_BUF_MMAP_SUPPORTED: i32 = 152;
    pub const LOGICAL_ENDPOINT_UNICAST_SUPPORTED: i32 = 153;
    pub const LOGICAL_ENDPOINT_MULTICAST_SUPPORTED: i32 = 154;
    pub const LOGICAL_ENDPOINT_COUNTED_OPS_SUPPORTED: i32 = 155;
    pub const LOGICAL_ENDPOINT_UNICAST_ACCESS_ON_OWNER_DEVICE_SUPPORTED: i32 = 156;
    pub const LOCALITY_DOMAIN_MULTIPROCESSOR_COUNT: i32 = 157;
    pub const LOGICAL_ENDPOINT_SUPPORTED_HANDLE_TYPES: i32 = 158;
    pub const VULKAN_CIG_STREAMS_SUPPORTED: i32 = 159;
    pub const TENSOR_MAP_LARGE_TENSOR_MIN_SIZE: i32 = 160;
    pub const GPU_DIRECT_RDMA_WITH_LOCALIZED_MEMORY_SUPPORTED: i32 = 161;
    pub const MAX: i32 = 162;
}

/// Compute capability the emulated device reports (major, minor).
pub const COMPUTE_CAPABILITY: (i32, i32) = (8, 0);

/// Streaming multiprocessors the emulated device reports.
pub const MULTIPROCESSORS: i32 = 16;

/// Shared memory per block in bytes: the static limit and the opt-in
/// maximum are the same 48 KiB.
pub const SHARED_PER_BLOCK: i32 = 49152;

/// Value of device attribute `attrib`, or `None` when `attrib` is not a
/// valid `CUdevice_attribute` (the caller then returns
/// `CUDA_ERROR_INVALID_VALUE`).
pub fn device_attribute(attrib: i32) -> Option<i32> {
    use attr::*;
    let value = match attrib {
        MAX_THREADS_PER_BLOCK => 1024,
        MAX_BLOCK_DIM_X => 1024,
        MAX_BLOCK_DIM_Y => 1024,
        MAX_BLOCK_DIM_Z => 64,
        MAX_GRID_DIM_X => 2147483647,
        MAX_GRID_DIM_Y => 65535,
        MAX_GRID_DIM_Z => 65535,
        MAX_SHARED_MEMORY_PER_BLOCK => SHARED_PER_BLOCK, // 48 KiB static limit
        TOTAL_CONSTANT_MEMORY => 65536,
        WARP_SIZE => 32,
        MAX_PITCH => 2147483647,
        MAX_REGISTERS_PER_BLOCK => 65536,
        CLOCK_RATE => 1000000, // kHz: a nominal 1 GHz
        TEXTURE_ALIGNMENT => 512,
        GPU_OVERLAP => 1,
        MULTIPROCESSOR_COUNT => MULTIPROCESSORS, // fixed, independent of the host CPU count
        KERNEL_EXEC_TIMEOUT => 0,
        INTEGRATED => 0,
        CAN_MAP_HOST_MEMORY => 1,
        COMPUTE_MODE => 0, // CU_COMPUTEMODE_DEFAULT
        MAXIMUM_TEXTURE1D_WIDTH => 131072,
        MAXIMUM_TEXTURE2D_WIDTH => 131072,
        MAXIMUM_TEXTURE2D_HEIGHT => 65536,
        MAXIMUM_TEXTURE3D_WIDTH => 16384,
        MAXIMUM_TEXTURE3D_HEIGHT => 16384,
        MAXIMUM_TEXTURE3D_DEPTH => 16384,
        MAXIMUM_TEXTURE2D_LAYERED_WIDTH => 32768,
        MAXIMUM_TEXTURE2D_LAYERED_HEIGHT => 32768,
        MAXIMUM_TEXTURE2D_LAYERED_LAYERS => 2048,
        SURFACE_ALIGNMENT => 512,
        CONCURRENT_KERNELS => 1,
        ECC_ENABLED => 0,
        PCI_BUS_ID => 0,
        PCI_DEVICE_ID => 0,
        TCC_DRIVER => 0,
        MEMORY_CLOCK_RATE => 1215000,    // kHz, as an A100 40GB
        GLOBAL_MEMORY_BUS_WIDTH => 5120, // bits
        L2_CACHE_SIZE => 41943040,       // 40 MiB
        MAX_THREADS_PER_MULTIPROCESSOR => 2048,
        ASYNC_ENGINE_COUNT => 3,
        UNIFIED_ADDRESSING => 1,
        MAXIMUM_TEXTURE1D_LAYERED_WIDTH => 32768,
        MAXIMUM_TEXTURE1D_LAYERED_LAYERS => 2048,
        CAN_TEX2D_GATHER => 1,
        MAXIMUM_TEXTURE2D_GATHER_WIDTH => 32768,
        MAXIMUM_TEXTURE2D_GATHER_HEIGHT => 32768,
        MAXIMUM_TEXTURE3D_WIDTH_ALTERNATE => 8192,
        MAXIMUM_TEXTURE3D_HEIGHT_ALTERNATE => 8192,
        MAXIMUM_TEXTURE3D_DEPTH_ALTERNATE => 32768,
        PCI_DOMAIN_ID => 0,
        TEXTURE_PITCH_ALIGNMENT => 32,
        MAXIMUM_TEXTURECUBEMAP_WIDTH => 32768,
        MAXIMUM_TEXTURECUBEMAP_LAYERED_WIDTH => 32768,
        MAXIMUM_TEXTURECUBEMAP_LAYERED_LAYERS => 2046,
        MAXIMUM_SURFACE1D_WIDTH => 32768,
        MAXIMUM_SURFACE2D_WIDTH => 131072,
        MAXIMUM_SURFACE2D_HEIGHT => 65536,
        MAXIMUM_SURFACE3D_WIDTH => 16384,
        MAXIMUM_SURFACE3D_HEIGHT => 16384,
        MAXIMUM_SURFACE3D_DEPTH => 16384,
        MAXIMUM_SURFACE1D_LAYERED_WIDTH => 32768,
        MAXIMUM_SURFACE1D_LAYERED_LAYERS => 2048,
        MAXIMUM_SURFACE2D_LAYERED_WIDTH => 32768,
        MAXIMUM_SURFACE2D_LAYERED_HEIGHT => 32768,
        MAXIMUM_SURFACE2D_LAYERED_LAYERS => 2048,
        MAXIMUM_SURFACECUBEMAP_WIDTH => 32768,
        MAXIMUM_SURFACECUBEMAP_LAYERED_WIDTH => 32768,
        MAXIMUM_SURFACECUBEMAP_LAYERED_LAYERS => 2046,
        MAXIMUM_TEXTURE1D_LINEAR_WIDTH => 268435456,
        MAXIMUM_TEXTURE2D_LINEAR_WIDTH => 131072,
        MAXIMUM_TEXTURE2D_LINEAR_HEIGHT => 65000,
        MAXIMUM_TEXTURE2D_LINEAR_PITCH => 2097120,
        MAXIMUM_TEXTURE2D_MIPMAPPED_WIDTH => 32768,
        MAXIMUM_TEXTURE2D_MIPMAPPED_HEIGHT => 32768,
        COMPUTE_CAPABILITY_MAJOR => COMPUTE_CAPABILITY.0,
        COMPUTE_CAPABILITY_MINOR => COMPUTE_CAPABILITY.1,
        MAXIMUM_TEXTURE1D_MIPMAPPED_WIDTH => 32768,
        STREAM_PRIORITIES_SUPPORTED => 1,
        GLOBAL_L1_CACHE_SUPPORTED => 1,
        LOCAL_L1_CACHE_SUPPORTED => 1,
        MAX_SHARED_MEMORY_PER_MULTIPROCESSOR => 167936, // 164 KiB, as sm_80
        MAX_REGISTERS_PER_MULTIPROCESSOR => 65536,
        MANAGED_MEMORY => 1,
        MULTI_GPU_BOARD => 0,
        MULTI_GPU_BOARD_GROUP_ID => 0,
        HOST_NATIVE_ATOMIC_SUPPORTED => 0,
        SINGLE_TO_DOUBLE_PRECISION_PERF_RATIO => 2,
        PAGEABLE_MEMORY_ACCESS => 0, // kernels may not dereference plain malloc() memory
        CONCURRENT_MANAGED_ACCESS => 1,
        COMPUTE_PREEMPTION_SUPPORTED => 1,
        CAN_USE_HOST_POINTER_FOR_REGISTERED_MEM => 0, // device aliases of host memory need not equal the host address
        CAN_USE_STREAM_MEM_OPS_V1 => 0,
        CAN_USE_64_BIT_STREAM_MEM_OPS_V1 => 0,
        CAN_USE_STREAM_WAIT_VALUE_NOR_V1 => 0,
        COOPERATIVE_LAUNCH => 1,
        COOPERATIVE_MULTI_DEVICE_LAUNCH => 0,                  // single device
        MAX_SHARED_MEMORY_PER_BLOCK_OPTIN => SHARED_PER_BLOCK, // no opt-in beyond the 48 KiB default
        CAN_FLUSH_REMOTE_WRITES => 0,
        HOST_REGISTER_SUPPORTED => 1, // cuMemHostRegister (read-only registration is not)
        PAGEABLE_MEMORY_ACCESS_USES_HOST_PAGE_TABLES => 0,
        DIRECT_MANAGED_MEM_ACCESS_FROM_HOST => 0,
        VIRTUAL_ADDRESS_MANAGEMENT_SUPPORTED => 0, // no cuMemCreate/cuMemMap
        HANDLE_TYPE_POSIX_FILE_DESCRIPTOR_SUPPORTED => 0,
        HANDLE_TYPE_WIN32_HANDLE_SUPPORTED => 0,
        HANDLE_TYPE_WIN32_KMT_HANDLE_SUPPORTED => 0,
        MAX_BLOCKS_PER_MULTIPROCESSOR => 32,
        GENERIC_COMPRESSION_SUPPORTED => 0,
        MAX_PERSISTING_L2_CACHE_SIZE => 31457280, // 30 MiB, as sm_80
        MAX_ACCESS_POLICY_WINDOW_SIZE => 134217728,
        GPU_DIRECT_RDMA_WITH_CUDA_VMM_SUPPORTED => 0,
        RESERVED_SHARED_MEMORY_PER_BLOCK => 0, // the emulator reserves no shared memory
        SPARSE_CUDA_ARRAY_SUPPORTED => 0,
        READ_ONLY_HOST_REGISTER_SUPPORTED => 0,
        TIMELINE_SEMAPHORE_INTEROP_SUPPORTED => 0,
        MEMORY_POOLS_SUPPORTED => 1, // cuMemAllocAsync / cuMemPool* with a default pool per device
        GPU_DIRECT_RDMA_SUPPORTED => 0,
        GPU_DIRECT_RDMA_FLUSH_WRITES_OPTIONS => 0,
        GPU_DIRECT_RDMA_WRITES_ORDERING => 0,
        MEMPOOL_SUPPORTED_HANDLE_TYPES => 0,
        CLUSTER_LAUNCH => 0, // sm_90+
        DEFERRED_MAPPING_CUDA_ARRAY_SUPPORTED => 0,
        CAN_USE_64_BIT_STREAM_MEM_OPS => 0,
        CAN_USE_STREAM_WAIT_VALUE_NOR => 0,
        DMA_BUF_SUPPORTED => 0,
        IPC_EVENT_SUPPORTED => 0,
        MEM_SYNC_DOMAIN_COUNT => 1,       // sm_80 has a single domain
        TENSOR_MAP_ACCESS_SUPPORTED => 0, // TMA is sm_90+
        HANDLE_TYPE_FABRIC_SUPPORTED => 0,
        UNIFIED_FUNCTION_POINTERS => 0,
        NUMA_CONFIG => 0, // CU_DEVICE_NUMA_CONFIG_NONE
        NUMA_ID => -1,    // device memory is not a NUMA node
        MULTICAST_SUPPORTED => 0,
        MPS_ENABLED => 0,
        HOST_NUMA_ID => 0,
        D3D12_CIG_SUPPORTED => 0,
        MEM_DECOMPRESS_ALGORITHM_MASK => 0,
        MEM_DECOMPRESS_MAXIMUM_LENGTH => 0,
        VULKAN_CIG_SUPPORTED => 0,
        GPU_PCI_DEVICE_ID => 0, // not a PCI device
        GPU_PCI_SUBSYSTEM_ID => 0,
        HOST_NUMA_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED => 0,
        HOST_NUMA_MEMORY_POOLS_SUPPORTED => 0,
        HOST_NUMA_MULTINODE_IPC_SUPPORTED => 0,
        HOST_MEMORY_POOLS_SUPPORTED => 0,
        HOST_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED => 0,
        HOST_ALLOC_DMA_BUF_SUPPORTED => 0,
        ONLY_PARTIAL_HOST_NATIVE_ATOMIC_SUPPORTED => 0,
        ATOMIC_REDUCTION_SUPPORTED => 0,
        LOCALITY_DOMAIN_COUNT => 1, // one domain holding every SM
        MAX_OVERSIZED_SHARED_MEMORY_PER_BLOCK => 0,
        D3D12_CIG_STREAMS_SUPPORTED => 0,
        DMA_BUF_MMAP_SUPPORTED => 0,
        LOGICAL_ENDPOINT_UNICAST_SUPPORTED => 0,
        LOGICAL_ENDPOINT_MULTICAST_SUPPORTED => 0,
        LOGICAL_ENDPOINT_COUNTED_OPS_SUPPORTED => 0,
        LOGICAL_ENDPOINT_UNICAST_ACCESS_ON_OWNER_DEVICE_SUPPORTED => 0,
        LOCALITY_DOMAIN_MULTIPROCESSOR_COUNT => MULTIPROCESSORS,
        LOGICAL_ENDPOINT_SUPPORTED_HANDLE_TYPES => 0,
        VULKAN_CIG_STREAMS_SUPPORTED => 0,
        TENSOR_MAP_LARGE_TENSOR_MIN_SIZE => i32::MAX, // allocation-class selection is a no-op
        GPU_DIRECT_RDMA_WITH_LOCALIZED_MEMORY_SUPPORTED => 0,
        _ => return None,
    };
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every id below CU_DEVICE_ATTRIBUTE_MAX is answered; nothing else is.
    #[test]
    fn valid_range() {
        for id in 1..attr::MAX {
            assert!(device_attribute(id).is_some(), "attribute {id} has no value");
        }
        for id in [i32::MIN, -1, 0, attr::MAX, attr::MAX + 1, 1000, i32::MAX] {
            assert_eq!(device_attribute(id), None, "attribute {id} should be invalid");
        }
    }

    /// The ids a real device (H100, driver 13.0) answers with CUDA_SUCCESS
    /// are all answered here too. Reads the recorded reference when the
    /// checkout has it; the ids it held when written are 1..=147.
    #[test]
    fn covers_reference_device() {
        for id in 1..=147 {
            assert!(device_attribute(id).is_some(), "attribute {id}");
        }
        let root = env!("CARGO_MANIFEST_DIR");
        let Some(text) = ["shared", "../shared"]
            .iter()
            .find_map(|dir| std::fs::read_to_string(format!("{root}/{dir}/reference/h100_attributes.txt")).ok())
        else {
            return;
        };
        let mut seen = 0;
        for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let cols: Vec<&str> = line.split('\t').collect();
            let id: i32 = cols[0].parse().expect("id column");
            if cols.get(2) == Some(&"CUDA_SUCCESS") {
                assert!(device_attribute(id).is_some(), "reference answers attribute {id} ({})", cols[3]);
                seen += 1;
            }
        }
        assert!(seen > 100, "reference file parsed to only {seen} ids");
    }

    #[test]
    fn required_values() {
        let want = [
            (attr::MAX_THREADS_PER_BLOCK, 1024),
            (attr::MAX_BLOCK_DIM_X, 1024),
            (attr::MAX_BLOCK_DIM_Y, 1024),
            (attr::MAX_BLOCK_DIM_Z, 64),
            (attr::MAX_GRID_DIM_X, 2147483647),
            (attr::MAX_GRID_DIM_Y, 65535),
            (attr::MAX_GRID_DIM_Z, 65535),
            (attr::MAX_SHARED_MEMORY_PER_BLOCK, 49152),
            (attr::SHARED_MEMORY_PER_BLOCK, 49152),
            (attr::TOTAL_CONSTANT_MEMORY, 65536),
            (attr::WARP_SIZE, 32),
            (attr::MAX_REGISTERS_PER_BLOCK, 65536),
            (attr::CLOCK_RATE, 1_000_000),
            (attr::MULTIPROCESSOR_COUNT, 16),
            (attr::CAN_MAP_HOST_MEMORY, 1),
            (attr::COMPUTE_MODE, 0),
            (attr::ECC_ENABLED, 0),
            (attr::PCI_BUS_ID, 0),
            (attr::PCI_DEVICE_ID, 0),
            (attr::PCI_DOMAIN_ID, 0),
            (attr::UNIFIED_ADDRESSING, 1),
            (attr::COMPUTE_CAPABILITY_MAJOR, 8),
            (attr::COMPUTE_CAPABILITY_MINOR, 0),
            (attr::MAX_THREADS_PER_MULTIPROCESSOR, 2048),
            (attr::MAX_BLOCKS_PER_MULTIPROCESSOR, 32),
            (attr::MAX_REGISTERS_PER_MULTIPROCESSOR, 65536),
            (attr::L2_CACHE_SIZE, 40 << 20),
            (attr::MANAGED_MEMORY, 1),
            (attr::CONCURRENT_MANAGED_ACCESS, 1),
            (attr::COOPERATIVE_LAUNCH, 1),
            (attr::MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, 49152),
            (attr::CLUSTER_LAUNCH, 0),
            (attr::TENSOR_MAP_ACCESS_SUPPORTED, 0),
        ];
        for (id, value) in want {
            assert_eq!(device_attribute(id), Some(value), "attribute {id}");
        }
    }

    /// Limits that must agree with each other.
    #[test]
    fn consistent() {
        let a = |id| device_attribute(id).unwrap();
        assert!(a(attr::MAX_BLOCK_DIM_X) <= a(attr::MAX_THREADS_PER_BLOCK));
        assert!(a(attr::MAX_THREADS_PER_BLOCK) <= a(attr::MAX_THREADS_PER_MULTIPROCESSOR));
        assert!(a(attr::MAX_SHARED_MEMORY_PER_BLOCK) <= a(attr::MAX_SHARED_MEMORY_PER_BLOCK_OPTIN));
        assert!(
            a(attr::MAX_SHARED_MEMORY_PER_BLOCK_OPTIN) + a(attr::RESERVED_SHARED_MEMORY_PER_BLOCK)
                <= a(attr::MAX_SHARED_MEMORY_PER_MULTIPROCESSOR)
        );
        assert!(a(attr::MAX_REGISTERS_PER_BLOCK) <= a(attr::MAX_REGISTERS_PER_MULTIPROCESSOR));
        assert!(a(attr::MAX_PERSISTING_L2_CACHE_SIZE) <= a(attr::L2_CACHE_SIZE));
        assert_eq!(
            a(attr::LOCALITY_DOMAIN_MULTIPROCESSOR_COUNT) * a(attr::LOCALITY_DOMAIN_COUNT),
            a(attr::MULTIPROCESSOR_COUNT)
        );
        assert_eq!((a(attr::COMPUTE_CAPABILITY_MAJOR), a(attr::COMPUTE_CAPABILITY_MINOR)), COMPUTE_CAPABILITY);
    }

    /// Aliases answer like the names they stand for.
    #[test]
    fn aliases() {
        assert_eq!(attr::SHARED_MEMORY_PER_BLOCK, attr::MAX_SHARED_MEMORY_PER_BLOCK);
        assert_eq!(attr::REGISTERS_PER_BLOCK, attr::MAX_REGISTERS_PER_BLOCK);
        assert_eq!(attr::MAXIMUM_TEXTURE2D_ARRAY_WIDTH, attr::MAXIMUM_TEXTURE2D_LAYERED_WIDTH);
        assert_eq!(attr::VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED, attr::VIRTUAL_ADDRESS_MANAGEMENT_SUPPORTED);
    }
}
