// Android app: Kotlin over the framework only (no AndroidX). The native library comes from the
// Rust crate android-bindings, built for each ABI by cargo-ndk before every build:
//   cargo install cargo-ndk
//   rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android
// Not run by CI here (no SDK/NDK); the bridge in src/main/kotlin/org/dunwatch/core is tested on
// the JVM by tests/jvm/run.sh.
plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "org.dunwatch"
    // Google Play requires targetSdk 35 from 2025-08 and 36 in 2026; 36 enforces edge-to-edge
    // (the activity pads itself by the system bars' insets, app/.../Insets.kt).
    compileSdk = 36

    defaultConfig {
        applicationId = "org.dunwatch"
        minSdk = 29 // CallScreeningService for non-default dialers
        targetSdk = 36
        versionCode = 1
        versionName = "0.1.0"
        ndk { abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64") }
    }

    buildTypes {
        release {
            isMinifyEnabled = false
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    kotlinOptions { jvmTarget = "17" }

    sourceSets["main"].jniLibs.srcDir(layout.buildDirectory.dir("rustJniLibs"))
    // The classifier's weights (collection.dwm) ship as an asset, handed to the library at store
    // open (Stores.kt): the library is built without them to stay within its size budget.
    sourceSets["main"].assets.srcDir("../core/data/model")
}

/** Builds libdunwatch_android.so for every ABI into build/rustJniLibs/<abi>/. */
val cargoNdk by tasks.registering(Exec::class) {
    val out = layout.buildDirectory.dir("rustJniLibs").get().asFile
    workingDir = rootProject.projectDir
    // Size settings of the Android build (zone filter, SQLite options, C flags, packed
    // relocations; see docs/JNI.md "Size of the library"): KEY='value' lines.
    val env = rootProject.file("android-bindings/android-build.env").readLines()
        .filter { it.isNotBlank() && !it.startsWith("#") }
        .associate { it.substringBefore('=') to it.substringAfter('=').trim('\'') }
    environment(env)
    // 16 KB pages (required for new apps on Google Play for Android 15+ devices since 2025-11):
    // align the library's LOAD segments to 16 KiB on every ABI, whatever the NDK's default.
    val pageFlags = "-C link-arg=-Wl,-z,max-page-size=16384"
    for (triple in listOf("AARCH64_LINUX_ANDROID", "ARMV7_LINUX_ANDROIDEABI", "X86_64_LINUX_ANDROID")) {
        environment("CARGO_TARGET_${triple}_RUSTFLAGS", pageFlags)
    }
    inputs.file(rootProject.file("android-bindings/android-build.env"))
    commandLine(
        "cargo", "ndk",
        "-t", "arm64-v8a", "-t", "armeabi-v7a", "-t", "x86_64",
        "--platform", "29",
        "-o", out.absolutePath,
        "build", "--profile", "release-android", "-p", "dunwatch-android",
    )
    inputs.dir(rootProject.file("core/src"))
    inputs.dir(rootProject.file("core/data"))
    inputs.file(rootProject.file("core/build.rs"))
    inputs.dir(rootProject.file("android-bindings/src"))
    inputs.file(rootProject.file("android-bindings/build.rs"))
    outputs.dir(out)
}

tasks.named("preBuild") { dependsOn(cargoNdk) }
