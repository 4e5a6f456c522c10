//! Import benchmark (release mode): `cargo bench -p dunwatch-core --bench import`.
//!
//! Generates SMS Backup & Restore files of 50k and 300k messages (a mix of collector, bank,
//! delivery and family texts from a few thousand numbers) in the temp directory, imports each
//! into a fresh store end to end (parse, store in batches, rules engine with the classifier), and
//! prints messages per second and the process's peak resident memory after each size, so that
//! memory staying flat in file size can be read off. `DUNWATCH_BENCH_SIZES=10000,300000` changes
//! the sizes. Nothing is committed: files are made at bench time and deleted.

use dunwatch_core::import::{import_path, ImportOptions};
use dunwatch_core::Store;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant as Clock;

/// The allocator of the `dunwatch` command, so the bench measures what a user runs.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The command's allocator option (cli/src/alloc.rs, which checks the index): freed memory
/// stays 10 s before it is returned to the system, so the next batch reuses it.
fn tune_allocator() {
    // SAFETY: mi_option_set only stores the value of option 15 (`mi_option_purge_delay`).
    unsafe { libmimalloc_sys::mi_option_set(15, 10_000) }
}

const BODIES: &[&str] = &[
    "【速借金融】您的借款已逾期{d}天，应还{n}.00元，请今日18点前还款，回电400-888-1234",
    "你这个老赖，再不还钱就爆你通讯录，发给你的亲友和单位领导",
    "已经给你立案了，公安马上传唤你，法院传票明天送到你家",
    "【工商银行】您尾号8812卡3月{d}日快捷支付支出{n}.00元，余额1,200.35元。",
    "【顺丰速运】您的快件SF14{d}8876已由【丰巢柜】代收，取件码{n}，请及时领取。",
    "儿子，周末回家吃饭吗？妈做了红烧肉 &#55357;&#56832;",
    "下班顺路买点菜，家里没鸡蛋了 &amp; 牛奶",
    "Your verification code is {n}. Do not share it with anyone.",
];

fn generate(path: &Path, n: usize) -> std::io::Result<u64> {
    let mut w = BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        w,
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"{n}\">"
    )?;
    let base: i64 = 1_735_689_600_000; // 2025-01-01
    for i in 0..n {
        let body = BODIES[i % BODIES.len()]
            .replace("{d}", &(i % 90).to_string())
            .replace("{n}", &(1000 + i % 9000).to_string());
        writeln!(
            w,
            "  <sms protocol=\"0\" address=\"1{:010}\" date=\"{}\" type=\"{}\" subject=\"null\" \
             body=\"{body}\" toa=\"null\" sc_toa=\"null\" service_center=\"null\" read=\"1\" \
             status=\"-1\" locked=\"0\" date_sent=\"0\" sub_id=\"1\" readable_date=\"\" \
             contact_name=\"(Unknown)\" />",
            3_800_000_000u64 + (i % 3000) as u64,
            base + i as i64 * 37_000,
            if i % 10 == 0 { 2 } else { 1 }
        )?;
    }
    writeln!(w, "</smses>")?;
    w.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

/// Peak resident set size of this process so far (Linux), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// CPU seconds (user + system) this process has used (Linux), which the machine's other load
/// disturbs less than wall-clock time.
fn cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may contain spaces) start at the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() {
    tune_allocator();
    let sizes: Vec<usize> = std::env::var("DUNWATCH_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![50_000, 300_000]);
    let dir = std::env::temp_dir().join(format!("dunwatch-import-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    println!(
        "import benchmark: SMS Backup & Restore XML -> store (batches of 20000, rules after each)"
    );
    for n in sizes {
        let xml = dir.join(format!("backup-{n}.xml"));
        let bytes = generate(&xml, n).unwrap();
        let db = dir.join(format!("bench-{n}.sqlite"));
        let store = Store::open(&db).unwrap();
        let (t, cpu0) = (Clock::now(), cpu_secs());
        let s = import_path(&store, &xml, &ImportOptions::default(), &mut |_| {}).unwrap();
        let secs = t.elapsed().as_secs_f64();
        let cpu = cpu_secs().zip(cpu0).map_or(f64::NAN, |(b, a)| b - a);
        assert_eq!(s.new_events as usize, n);
        println!(
            "{n:>8} messages  {:>6.1} MB file  wall {secs:>6.2} s = {:>7.0} msg/s  \
             cpu {cpu:>6.2} s = {:>7.0} msg/cpu-s  peak RSS so far {:.1} MiB  flags {}",
            bytes as f64 / 1e6,
            n as f64 / secs,
            n as f64 / cpu,
            peak_rss_mib().unwrap_or(f64::NAN),
            s.flags_added
        );
        drop(store);
        let _ = std::fs::remove_file(&xml);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
