//! The import's readers without a store, for fuzzing: the same parsing, record checks,
//! classification and batch preparation as an import, with the batches dropped. An import into
//! a store runs a few dozen times a second; this runs thousands, so the fuzzer reaches much
//! further into the readers.

use super::{
    counting::CountingReader, record, sniff, tabular, xml, Format, ImportSummary, Prepped, Sink,
};
use crate::error::Result;
use crate::number::Region;
use std::io::BufReader;
use std::sync::mpsc::sync_channel;

/// Parses `input` as [`super::import_reader`] would (format detected from its first bytes),
/// in UTC with Chinese national numbers; returns the counts an import would report before
/// storing.
#[doc(hidden)]
pub fn parse_only(input: &[u8], strict: bool, batch_size: usize) -> Result<ImportSummary> {
    let Some(format) = sniff(input) else {
        return Ok(ImportSummary::default());
    };
    let (to_store, batches) = sync_channel::<Prepped>(0);
    std::thread::scope(|s| {
        let drain = s.spawn(move || batches.into_iter().count());
        let reader = CountingReader::new(BufReader::new(input));
        let counter = reader.counter();
        let bytes = move || counter.bytes();
        let ctx = record::Context::new(crate::time::Zone::utc(), Region::Cn);
        let mut progress = |_| {};
        let mut sink = Sink {
            out: to_store,
            batch: Vec::new(),
            batch_size: batch_size.max(1),
            strict,
            summary: ImportSummary::default(),
            progress: &mut progress,
            bytes: &bytes,
        };
        let parsed = match format {
            Format::Csv => tabular::read_csv(reader, &ctx, &mut sink).map(|_| Format::Csv),
            Format::JsonLines => {
                tabular::read_jsonl(reader, &ctx, &mut sink).map(|_| Format::JsonLines)
            }
            Format::SmsBackupXml | Format::CallsBackupXml => xml::read(reader, &ctx, &mut sink),
        }
        .and_then(|f| sink.flush().map(|_| f));
        // The drain ends when the sender does.
        let Sink {
            mut summary, out, ..
        } = sink;
        drop(out);
        let _ = drain.join();
        summary.format = Some(parsed?);
        summary.bytes = input.len() as u64;
        Ok(summary)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_like_an_import() {
        let csv = "kind,direction,number,time,body\nsms,incoming,13800138000,1741527000000,hi\nx\n";
        let s = super::parse_only(csv.as_bytes(), false, 1).unwrap();
        assert_eq!((s.messages, s.malformed_total), (1, 1));
    }
}
