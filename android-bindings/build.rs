//! Link options of the shipped library (android-build.env sets DUNWATCH_PACK_RELOCS=1): packed
//! relative relocations. Most dynamic relocations of a Rust library are relative (pointers in
//! vtables and static tables); packed, they take a few bytes instead of 24 each (docs/JNI.md,
//! "Size of the library"). Only for the cdylib's own link, so nothing else is rebuilt.

fn main() {
    println!("cargo:rerun-if-env-changed=DUNWATCH_PACK_RELOCS");
    if std::env::var("DUNWATCH_PACK_RELOCS").as_deref() != Ok("1") {
        return;
    }
    match std::env::var("CARGO_CFG_TARGET_OS").as_deref() {
        // RELR with Android's own tags, which the loader reads from API 28 (the official tags
        // only from API 30); the app's minSdk is 29. Other relocations in Android's packed form.
        Ok("android") => {
            println!("cargo:rustc-cdylib-link-arg=-Wl,--pack-dyn-relocs=android+relr");
            println!("cargo:rustc-cdylib-link-arg=-Wl,--use-android-relr-tags");
        }
        // The host build that stands in for the Android one in size measurements (and is loaded
        // by tests/jvm/bench.sh): DT_RELR, which glibc reads from 2.36.
        Ok("linux") => println!("cargo:rustc-cdylib-link-arg=-Wl,-z,pack-relative-relocs"),
        _ => {}
    }
}
