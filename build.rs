// 1. Embed libtorch's folder as an rpath so `entline` and the test binaries run without
//    LD_LIBRARY_PATH. torch-sys (a direct dependency, `links = "tch"`) exports its lib folder as
//    DEP_TCH_LIBTORCH_LIB.
// 2. ENTLINE_SOURCE_HASH: a hash of every file under src/ (code, rules, aliases), part of the key of
//    the per-document cache, so that results cached by one build are never reused by a build
//    whose code could produce different ones (the same source gives the same hash everywhere).
use std::path::Path;

fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, files);
        } else {
            files.push(p);
        }
    }
}

fn main() {
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    if let Ok(dir) = std::env::var("DEP_TCH_LIBTORCH_LIB") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
    println!("cargo:rerun-if-changed=src");
    let mut files = Vec::new();
    walk(Path::new("src"), &mut files);
    files.sort();
    // FNV-1a 64 over (path, contents): only has to change when the source does
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for f in &files {
        let name = f.to_string_lossy();
        for b in name.bytes().chain([0u8]).chain(std::fs::read(f).unwrap_or_default()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=ENTLINE_SOURCE_HASH={h:016x}");
}
