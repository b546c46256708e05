// Embed libtorch's folder as an rpath so `entline` and the test binaries run without LD_LIBRARY_PATH.
// torch-sys (a direct dependency, `links = "tch"`) exports its lib folder as DEP_TCH_LIBTORCH_LIB.
fn main() {
    println!("cargo:rerun-if-env-changed=DEP_TCH_LIBTORCH_LIB");
    if let Ok(dir) = std::env::var("DEP_TCH_LIBTORCH_LIB") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
}
