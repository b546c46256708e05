//! scripts/setup.sh picks the libtorch wheel by platform (`--plan OS ARCH`): the x86-64 Linux one
//! it is tested with, the Linux aarch64 and macOS arm64 CPU wheels it is expected to work with,
//! and a clear refusal elsewhere.

mod common;

use std::collections::HashMap;
use std::process::{Command, Output};

use common::root;

fn plan(os: &str, arch: &str) -> Output {
    Command::new("bash").arg(root().join("scripts/setup.sh")).args(["--plan", os, arch]).output().expect("bash runs")
}

fn fields(o: &Output) -> HashMap<String, String> {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn linux_x86_64_takes_the_cuda_wheel_with_a_stub() {
    let p = fields(&plan("Linux", "x86_64"));
    assert_eq!(p["platform"], "manylinux1_x86_64");
    assert!(p["extra"].contains("nvidia-cuda-runtime-cu12==") && p["extra"].contains("nvidia-cuda-cupti-cu12=="));
    assert!(p["files"].split(' ').any(|f| f == "torch/lib/libtorch_cpu.so"));
    assert!(!p["files"].split(' ').any(|f| f == "torch/lib/libtorch.so"), "libtorch.so is the stub here");
    assert_eq!(p["stub"], "1");
}

#[test]
fn arm_platforms_take_their_cpu_wheels() {
    let p = fields(&plan("Linux", "aarch64"));
    assert_eq!(p["platform"], "manylinux2014_aarch64");
    assert_eq!(p["extra"], "");
    // libtorch_cpu.so finds OpenBLAS, the Arm Compute Library and libgomp beside it ($ORIGIN)
    assert!(p["files"].split(' ').any(|f| f == "torch.libs/*.so*"));
    assert_eq!(p["stub"], "0");
    assert_eq!(fields(&plan("Linux", "arm64"))["platform"], "manylinux2014_aarch64");
    let m = fields(&plan("Darwin", "arm64"));
    assert_eq!(m["platform"], "macosx_11_0_arm64");
    assert!(m["files"].split(' ').any(|f| f == "torch/lib/libomp.dylib"));
    assert_eq!(m["stub"], "0");
}

#[test]
fn other_platforms_are_refused_by_name() {
    for (os, arch) in [("Darwin", "x86_64"), ("Linux", "armv7l"), ("MINGW64_NT-10.0", "x86_64")] {
        let o = plan(os, arch);
        assert_eq!(o.status.code(), Some(1), "{os} {arch}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(os) && err.contains(arch) && err.contains("supported: Linux x86_64, Linux aarch64, macOS arm64"), "{err}");
    }
    let o = Command::new("bash").arg(root().join("scripts/setup.sh")).args(["--plan", "Linux"]).output().unwrap();
    assert_eq!(o.status.code(), Some(64), "usage error");
}
