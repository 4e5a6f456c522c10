//! Collector-message classifier.
//!
//! A message is normalised ([`normalize`]: width, case, Traditional -> Simplified, inserted
//! separators, digits for letters); a sieve of bit sets ([`sieve`]) ends the reading of most
//! messages there (no term a reading could use); then a trie of every term ([`trie`]), walked
//! from each place a term can start, finds them all. The lexicon ([`lexicon`], a TOML data file
//! compiled in and replaceable at run time) groups terms into weighted rules; a message is
//! collection when the weights of the rules that fired reach the threshold and one of them shows
//! an overdue or collected debt. Flag rules raise their flag on collection messages only. Every
//! flag names its rule and the words, as char spans of the original text.

mod amount;
mod context;
mod extract;
mod lexicon;
pub mod model;
mod normalize;
mod sieve;
mod trie;

pub use context::{Context, Role};
pub use model::Model;

#[cfg(feature = "toml-files")]
use crate::error::{Error, Result};
use amount::Amount;
use extract::Extractor;
use lexicon::{ExtractSection, LexiconFile};
use normalize::{normalize_into, normalize_term, normalize_text_only, Fold, Normalized};
use once_cell::sync::Lazy;
use serde::{Deserialize, Serialize};
use sieve::Sieve;
use std::cell::RefCell;
#[cfg(feature = "toml-files")]
use std::path::Path;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use trie::{Trie, NONE};

/// The lexicon compiled into the library: `core/data/lexicon/collection.toml` as JSON (build.rs).
pub(crate) const BUILTIN_LEXICON: &str = include_str!(concat!(env!("OUT_DIR"), "/lexicon.json"));
/// The learned model's weights (`core/data/model/collection.dwm`, written by
/// `cargo run --release -p dunwatch-core --example train`). Part of the rules fingerprint: new
/// weights re-read stored messages, as a lexicon change does.
#[cfg(feature = "builtin-model")]
pub(crate) const BUILTIN_MODEL: &[u8] = include_bytes!("../../data/model/collection.dwm");
/// Without the feature `builtin-model` the library has no model of its own (the Android
/// library: the app loads the weights from its assets).
#[cfg(not(feature = "builtin-model"))]
pub(crate) const BUILTIN_MODEL: &[u8] = &[];
/// Traditional -> Simplified character pairs (from OpenCC).
const T2S: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/t2s.pairs"));

/// At most this many spans are reported per rule (a pathological message repeats a word forever).
const MAX_SPANS_PER_RULE: usize = 8;

/// Message flags, exactly the vocabulary of rules-matrix.md "Message patterns".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    Threat,
    Abuse,
    Exposure,
    FalseAuthority,
    ThirdParty,
    PressureBorrow,
}

impl Flag {
    pub const ALL: [Flag; 6] = [
        Flag::Threat,
        Flag::Abuse,
        Flag::Exposure,
        Flag::FalseAuthority,
        Flag::ThirdParty,
        Flag::PressureBorrow,
    ];

    /// The flag's name as in rules-matrix.md (`false_authority`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Flag::Threat => "threat",
            Flag::Abuse => "abuse",
            Flag::Exposure => "exposure",
            Flag::FalseAuthority => "false_authority",
            Flag::ThirdParty => "third_party",
            Flag::PressureBorrow => "pressure_borrow",
        }
    }

    /// Parses a flag name as written in rules-matrix.md.
    pub fn from_name(s: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.name() == s)
    }
}

/// A matched stretch of the original text, in char offsets (start inclusive, end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Why a flag was raised: the lexicon rule that fired and the words it matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlagHit {
    pub flag: Flag,
    /// Id of the lexicon rule that fired.
    pub rule: String,
    pub spans: Vec<Span>,
    /// The matched text, as it appears in the message.
    pub words: Vec<String>,
}

/// A lexicon rule that fired, with its contribution to the score (flag rules included): the
/// explanation of why a message is, or is not, collection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalHit {
    pub rule: String,
    pub weight: f32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<Flag>,
    pub spans: Vec<Span>,
    pub words: Vec<String>,
}

/// What the classifier says about one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Classification {
    pub collection: bool,
    /// Sum of the weights of the rules that fired (collection needs at least the lexicon's
    /// threshold, see [`Classifier::threshold`]).
    pub score: f32,
    /// Flags, only on collection messages; one entry per flag rule that fired.
    pub flags: Vec<FlagHit>,
    /// Creditor named in the message (【XX金融】, "XYZ Collections"), if any; collection only.
    pub creditor: Option<String>,
    /// Call-back numbers quoted in the text, as written; collection only.
    pub callback_numbers: Vec<String>,
    /// Every rule that fired, in lexicon order, then the model's outputs that were raised
    /// (`model.collection`, `model.threat`, ...; weight = the logit).
    #[serde(default)]
    pub signals: Vec<SignalHit>,
    /// Why the context decided (`sender is in case 速借花: collector contact without a debt
    /// word`), when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

impl Classification {
    /// Whether `flag` was raised.
    pub fn has(&self, flag: Flag) -> bool {
        self.flags.iter().any(|h| h.flag == flag)
    }

    /// The distinct flags raised, in vocabulary order.
    pub fn flag_set(&self) -> Vec<Flag> {
        let mut v: Vec<Flag> = self.flags.iter().map(|h| h.flag).collect();
        crate::sort::sort(&mut v);
        v.dedup();
        v
    }
}

#[derive(Debug)]
struct Rule {
    id: String,
    weight: f32,
    anchor: bool,
    flag: Option<Flag>,
    /// Indices of the rules that cancel this one when they fire.
    suppressed_by: Vec<u16>,
}

/// Per automaton pattern: its rule and whether it must start/end on a word boundary.
#[derive(Debug, Clone, Copy)]
struct Term {
    /// The rule's index (the concept's in `Classifier::concept_terms`).
    rule: u16,
    start_word: bool,
    end_word: bool,
    /// A single Latin word ("owe"): it may be spelt out with gaps ("o w e") but must not be
    /// glued from pieces of other words ("o.o we").
    single_word: bool,
}

/// Normalises the term lists of rules (or concepts), in order, into automaton patterns and
/// their [`Term`]s. A term twice in one list counts once; a term in two lists is an error.
fn compile_terms<'a>(
    kind: &str,
    lists: impl Iterator<Item = (&'a str, &'a [String])>,
    fold: &Fold,
) -> std::result::Result<(Vec<String>, Vec<Term>), String> {
    let mut patterns: Vec<String> = Vec::new();
    let mut terms: Vec<Term> = Vec::new();
    let mut owner: std::collections::HashMap<String, (usize, &str)> = Default::default();
    for (i, (id, list)) in lists.enumerate() {
        for t in list {
            let n = normalize_term(t, fold);
            if n.is_empty() {
                return Err(format!("lexicon: {kind} {id:?}: term {t:?} is empty"));
            }
            match owner.get(&n) {
                Some(&(o, _)) if o == i => continue, // the same term twice (還/还) in one list
                Some(&(_, other)) => {
                    return Err(format!(
                        "lexicon: term {t:?} of {kind} {id:?} is also in {kind} {other:?}"
                    ))
                }
                None => {}
            }
            owner.insert(n.clone(), (i, id));
            let first = n.chars().next().unwrap_or(' ');
            let last = n.chars().next_back().unwrap_or(' ');
            terms.push(Term {
                rule: i as u16,
                start_word: first.is_ascii_alphanumeric(),
                end_word: last.is_ascii_alphanumeric(),
                single_word: n.bytes().all(|b| b.is_ascii_alphanumeric())
                    && !t.trim().contains(char::is_whitespace),
            });
            patterns.push(n);
        }
    }
    Ok((patterns, terms))
}

impl Term {
    /// Whether an automaton match of this term at `start..end` of the normalised text counts:
    /// on word boundaries where the term starts or ends with a Latin letter, and a single Latin
    /// word either whole or spelt out with gaps, never glued from pieces of other words.
    #[inline]
    fn matches_at(&self, norm: &Normalized, start: usize, end: usize) -> bool {
        if (self.start_word && !norm.boundary_at(start))
            || (self.end_word && !norm.boundary_at(end))
        {
            return false;
        }
        if self.single_word {
            // ASCII: one byte per char; inside a Latin word a boundary is a dropped gap.
            let gaps = (start + 1..end).filter(|&b| norm.boundary_at(b)).count();
            if gaps != 0 && gaps != end - start - 1 {
                return false;
            }
        }
        true
    }
}

/// A compiled classifier.
#[derive(Debug)]
pub struct Classifier {
    version: String,
    threshold: f32,
    fold: Fold,
    terms: Vec<Term>,
    /// The rules' terms (`terms`) and the concepts' (`concept_terms`): one pass finds both
    /// for the model's reading; the lexicon's reading skips the concepts' matches.
    trie: Trie,
    /// The sieve of the same terms: the trie is walked only where it says a term may start.
    trie_sieve: Sieve,
    concept_terms: Vec<Term>,
    /// The first pass with a model: every rule's term and every debt-cue concept's term (a
    /// message with neither, and no written amount, is done: without a debt cue the model never
    /// makes an unknown sender's message collection on its own).
    sieve: Sieve,
    /// The first pass of the lexicon alone: every rule's term.
    rule_sieve: Sieve,
    rules: Vec<Rule>,
    /// Per rule: its feature hash for the model.
    rule_features: Vec<u64>,
    /// Per concept: its feature hash for the model.
    concept_features: Vec<u64>,
    /// Per concept: whether it is a debt cue (money or repaying words).
    concept_cue: Vec<bool>,
    /// Concepts a written amount belongs to.
    amounts: Vec<Amount>,
    extract: Extract,
    model: Option<Arc<Model>>,
}

/// The extraction patterns (creditor names, call-back numbers), compiled with the lexicon when it
/// is loaded, so that a bad one is a load error; the builtin lexicon's (checked by the test
/// suite) on first use instead: regex compilation is the longest part of the start-up, and a run
/// that meets no collection message never needs them.
#[derive(Debug)]
enum Extract {
    /// Those of a lexicon loaded at run time (from a file: feature `toml-files`).
    #[cfg(feature = "toml-files")]
    Compiled(Extractor),
    /// The builtin lexicon's.
    OnFirstUse(ExtractSection, std::sync::OnceLock<Extractor>),
}

impl Extract {
    fn get(&self) -> &Extractor {
        match self {
            #[cfg(feature = "toml-files")]
            Extract::Compiled(x) => x,
            Extract::OnFirstUse(src, x) => x.get_or_init(|| {
                Extractor::new(src).expect("the builtin lexicon's patterns compile")
            }),
        }
    }
}

/// Per-thread buffers so that classifying a message allocates nothing unless a term matches.
#[derive(Default)]
struct Scratch {
    norm: Normalized,
    /// (rule, normalised start byte, normalised end byte)
    hits: Vec<(u16, u32, u32)>,
    /// (concept, normalised start byte, normalised end byte): first hit per concept.
    concepts: Vec<(u16, u32, u32)>,
    /// The model's buckets already added for this message.
    seen: model::Seen,
    /// The model's features of this message: (hash, normalised start byte, end byte).
    features: Vec<(u64, u32, u32)>,
    /// The model's buckets of this message, each once.
    buckets: Vec<u32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

static BUILTIN_MODEL_PARSED: Lazy<Option<Arc<Model>>> = Lazy::new(|| {
    // The builtin weights are checked by the test suite; failing here is a build defect.
    (!BUILTIN_MODEL.is_empty())
        .then(|| Arc::new(Model::from_static(BUILTIN_MODEL).expect("the builtin model is valid")))
});

static BUILTIN: Lazy<Classifier> = Lazy::new(|| {
    // The builtin lexicon is checked by the test suite; failing here is a build defect. The
    // weights are read meanwhile on another thread.
    let (model, lexicon) =
        in_parallel(|| BUILTIN_MODEL_PARSED.clone(), Classifier::compile_builtin);
    lexicon.with_model(model)
});

/// `(a(), b())`, `a` on a second thread when one can be started (start-up work that would
/// otherwise wait on one CPU). A panic in either is the caller's.
fn in_parallel<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    let a = Mutex::new(Some(a));
    let run_a = || a.lock().ok().and_then(|mut a| a.take()).map(|a| a());
    std::thread::scope(|s| {
        let spawned = std::thread::Builder::new().spawn_scoped(s, run_a);
        let b = b();
        let a = match spawned.map(|h| h.join()) {
            Ok(Ok(a)) => a,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            // No thread: `a` was not taken, it runs here.
            Err(_) => None,
        };
        (a.or_else(run_a).expect("`a` runs once"), b)
    })
}

/// The process's classifier when a model was installed ([`install_model`]); null: [`BUILTIN`].
/// Each installed classifier is leaked once per distinct weights file, so the `&'static` handed
/// out by [`Classifier::builtin`] stays valid (an app installs one file, once per process).
static INSTALLED: AtomicPtr<Classifier> = AtomicPtr::new(std::ptr::null_mut());
/// The installed classifiers by weights digest, so installing the same file again leaks nothing.
static INSTALLED_BY_DIGEST: Lazy<Mutex<Vec<&'static Classifier>>> =
    Lazy::new(|| Mutex::new(Vec::new()));
/// Bumped on every install that changes the process's classifier (memos of classifications
/// compare it).
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Makes `model` the model of the process's classifier ([`Classifier::builtin`]): the stores'
/// engines, imports and reports read with the builtin lexicon and these weights from now on.
/// The Android library has no weights of its own (feature `builtin-model` off); the app hands
/// the asset's bytes here through the bridge before it opens its store. The rules fingerprint
/// includes the model's digest, so a store opened afterwards re-reads its messages when the
/// weights differ from those its flags were derived with.
pub fn install_model(model: Arc<Model>) {
    let mut known = INSTALLED_BY_DIGEST
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let c: &'static Classifier = match known
        .iter()
        .find(|c| c.model().is_some_and(|m| m.digest() == model.digest()))
    {
        Some(c) => c,
        None => {
            let c: &'static Classifier = Box::leak(Box::new(
                Classifier::builtin_lexicon_only().with_model(Some(model)),
            ));
            known.push(c);
            c
        }
    };
    let old = INSTALLED.swap(c as *const Classifier as *mut Classifier, Ordering::AcqRel);
    if !std::ptr::eq(old, c) {
        GENERATION.fetch_add(1, Ordering::AcqRel);
    }
}

/// Checks `bytes` as a weights file and installs it ([`install_model`]); returns its version.
pub fn install_model_bytes(bytes: &[u8]) -> std::result::Result<String, String> {
    let m = Model::from_bytes(bytes)?;
    let v = m.version().to_string();
    install_model(Arc::new(m));
    Ok(v)
}

/// Changes whenever [`install_model`] changes the process's classifier.
pub(crate) fn generation() -> u64 {
    GENERATION.load(Ordering::Acquire)
}

impl Classifier {
    /// The process's classifier: the lexicon compiled into the library with the model compiled
    /// into it, or the model installed by [`install_model`].
    pub fn builtin() -> &'static Classifier {
        let p = INSTALLED.load(Ordering::Acquire);
        if p.is_null() {
            &BUILTIN
        } else {
            // SAFETY: INSTALLED only ever holds pointers from `Box::leak`, never freed.
            unsafe { &*p }
        }
    }

    /// The builtin lexicon without the model (the training command's feature extractor, and a
    /// baseline to compare with).
    pub fn builtin_lexicon_only() -> Classifier {
        Self::compile_builtin()
    }

    /// The model compiled into the library (none without the feature `builtin-model`).
    pub fn builtin_model() -> Option<Arc<Model>> {
        BUILTIN_MODEL_PARSED.clone()
    }

    /// This classifier with another model (`None`: the lexicon alone).
    pub fn with_model(mut self, model: Option<Arc<Model>>) -> Classifier {
        self.model = model;
        self
    }

    /// The model, if any.
    pub fn model(&self) -> Option<&Model> {
        self.model.as_deref()
    }

    /// Compiles a lexicon given as TOML text (same format as the builtin one), with the
    /// builtin model.
    #[cfg(feature = "toml-files")]
    pub fn from_toml_str(src: &str) -> Result<Classifier> {
        LexiconFile::parse_toml(src)
            .and_then(Self::compile)
            .map(|c| c.with_model(Self::builtin_model()))
            .map_err(Error::Parse)
    }

    /// Loads a lexicon file at run time, so a pattern update needs no new build.
    #[cfg(feature = "toml-files")]
    pub fn from_file(path: &Path) -> Result<Classifier> {
        let src = crate::limits::read_text_file(path, crate::limits::MAX_DATA_FILE)?;
        Self::from_toml_str(&src).map_err(|e| Error::Parse(format!("{}: {e}", path.display())))
    }

    /// The lexicon's version string.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Lexicon and model versions, e.g. `2026.11.24-4 + model 2026.12.04-1`.
    pub fn describe(&self) -> String {
        match &self.model {
            Some(m) => format!("{} + model {}", self.version, m.version()),
            None => format!("{} (no model)", self.version),
        }
    }

    /// The score a message needs (with an anchor rule) to be collection.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// A lexicon loaded at run time, its extraction patterns compiled now (a bad one is a load
    /// error), on a second thread while this one builds the rest (regex compilation is the
    /// longest part).
    #[cfg(feature = "toml-files")]
    fn compile(file: LexiconFile) -> std::result::Result<Classifier, String> {
        let (extract, reading) = in_parallel(
            || Extractor::new(&file.extract),
            || Self::compile_reading(&file),
        );
        let mut c = reading?;
        c.extract = Extract::Compiled(extract?);
        Ok(c)
    }

    /// The builtin lexicon, its extraction patterns compiled on first use ([`Extract`]).
    fn compile_builtin() -> Classifier {
        LexiconFile::parse_json(BUILTIN_LEXICON)
            .and_then(|file| Self::compile_reading(&file))
            .expect("the builtin lexicon is valid")
    }

    /// The classifier of `file`, its extraction patterns compiled on first use.
    fn compile_reading(file: &LexiconFile) -> std::result::Result<Classifier, String> {
        let fold = Fold::new(T2S, &file.fold_pairs()?)?;
        if file.rules.len() > u16::MAX as usize || file.concepts.len() > u16::MAX as usize {
            return Err("lexicon: too many rules".into());
        }
        let (patterns, terms) = compile_terms(
            "rule",
            file.rules
                .iter()
                .map(|r| (r.id.as_str(), r.terms.as_slice())),
            &fold,
        )?;
        let mut rules = Vec::with_capacity(file.rules.len());
        let mut rule_features = Vec::with_capacity(file.rules.len());
        for r in &file.rules {
            let suppressed_by = r
                .suppressed_by
                .iter()
                .filter_map(|id| file.rules.iter().position(|x| &x.id == id))
                .map(|i| i as u16)
                .collect();
            rule_features.push(model::rule_feature(&r.id));
            rules.push(Rule {
                id: r.id.clone(),
                weight: r.weight,
                anchor: r.anchor,
                flag: r.flag,
                suppressed_by,
            });
        }
        // Concept terms have their own bookkeeping: a concept word may also be a rule's term.
        let (concept_patterns, concept_terms) = compile_terms(
            "concept",
            file.concepts
                .iter()
                .map(|c| (c.id.as_str(), c.terms.as_slice())),
            &fold,
        )?;
        let concept_cue = file.concepts.iter().map(|c| c.cue).collect();
        let amounts = (file.concepts.iter().enumerate())
            .filter_map(|(i, c)| Amount::of_concept(i as u16, c, &fold))
            .collect();
        let concept_features = file
            .concepts
            .iter()
            .map(|c| model::concept_feature(&c.id))
            .collect();
        let (trie, trie_sieve, sieve, rule_sieve) =
            Self::tables(file, &patterns, &concept_patterns, &concept_terms);
        Ok(Classifier {
            version: file.meta.version.clone(),
            threshold: file.meta.collection_threshold,
            fold,
            terms,
            trie,
            trie_sieve,
            concept_terms,
            sieve,
            rule_sieve,
            rules,
            rule_features,
            concept_features,
            concept_cue,
            amounts,
            extract: Extract::OnFirstUse(file.extract.clone(), std::sync::OnceLock::new()),
            model: None,
        })
    }

    /// The trie of every term, its sieve, and the first pass's sieves (see [`sieve`]).
    fn tables(
        file: &LexiconFile,
        patterns: &[String],
        concept_patterns: &[String],
        concept_terms: &[Term],
    ) -> (Trie, Sieve, Sieve, Sieve) {
        let trie = Trie::new(patterns, concept_patterns);
        let all_terms: Vec<&str> = (patterns.iter().chain(concept_patterns))
            .map(String::as_str)
            .collect();
        let trie_sieve = Sieve::new(&all_terms);
        let cue_concept_terms = (concept_patterns.iter().zip(concept_terms))
            .filter(|(_, t)| file.concepts[t.rule as usize].cue)
            .map(|(p, _)| p.as_str());
        let mut first_terms: Vec<&str> = patterns.iter().map(String::as_str).collect();
        let rule_sieve = Sieve::new(&first_terms);
        first_terms.extend(cue_concept_terms);
        let sieve = Sieve::new(&first_terms);
        (trie, trie_sieve, sieve, rule_sieve)
    }

    /// Classifies one message from an unknown sender on the borrower's phone (the strict
    /// reading: collection needs a debt anchor or a confident model). `sender` is the sender's
    /// address or ID, used as the creditor's name when it is a name (not a number) and the text
    /// names none.
    pub fn classify(&self, text: &str, sender: Option<&str>) -> Classification {
        self.classify_scratch(text, sender, &Context::default(), true)
    }

    /// Classifies one message in its context: a known collector's message is collector contact
    /// with each flag raised from its wording alone, and on a third party's phone it is
    /// `third_party` (and `exposure` where it discloses the debt). See [`Context`].
    pub fn classify_with(&self, text: &str, sender: Option<&str>, ctx: &Context) -> Classification {
        self.classify_scratch(text, sender, ctx, true)
    }

    /// [`Classifier::classify`] without [`Classification::signals`], the per-rule explanation
    /// of the score, which the rules engine never reads: everything else is the same. An import
    /// classifies every received SMS, and the signals were most of the allocations.
    pub fn classify_for_rules(&self, text: &str, sender: Option<&str>) -> Classification {
        self.classify_scratch(text, sender, &Context::default(), false)
    }

    /// [`Classifier::classify_with`] without the signals (see [`Classifier::classify_for_rules`]).
    pub fn classify_for_rules_with(
        &self,
        text: &str,
        sender: Option<&str>,
        ctx: &Context,
    ) -> Classification {
        self.classify_scratch(text, sender, ctx, false)
    }

    /// The model's feature hashes of a message (text n-grams and the lexicon rules that fired),
    /// exactly as classification computes them: the training command's input.
    pub fn features(&self, text: &str) -> Vec<u64> {
        let mut s = Scratch::default();
        let text = truncate(text);
        normalize_into(text, &self.fold, &mut s.norm);
        self.all_hits(text, &mut s);
        self.message_features(&mut s);
        s.features.iter().map(|f| f.0).collect()
    }

    /// Whether the text carries a debt cue (a debt anchor rule or a money or repaying concept):
    /// without one the model alone never reads an unknown sender's message as collection.
    /// Training sets the collection threshold on the messages that have one.
    pub fn debt_cue(&self, text: &str) -> bool {
        let mut s = Scratch::default();
        let text = truncate(text);
        normalize_into(text, &self.fold, &mut s.norm);
        self.all_hits(text, &mut s);
        self.lexicon_score(&s.hits).1 || s.concepts.iter().any(|c| self.concept_cue[c.0 as usize])
    }

    /// Whether the model reads `text` with its Latin-script `collection` threshold (see
    /// [`model::latin_script`]).
    pub fn latin_script(&self, text: &str) -> bool {
        let mut n = Normalized::default();
        normalize_text_only(truncate(text), &self.fold, &mut n);
        model::latin_script(&n.text)
    }

    /// The model's logits (`collection` then the flags in [`Flag::ALL`] order) for a message,
    /// with the threshold each must reach: for evaluation and threshold choice in training.
    pub fn model_logits(&self, text: &str) -> Option<([f32; 7], [f32; 7])> {
        let m = self.model.as_deref()?;
        let mut s = Scratch::default();
        let text = truncate(text);
        normalize_into(text, &self.fold, &mut s.norm);
        self.all_hits(text, &mut s);
        self.model_buckets(m, &mut s);
        let sums = m.sums(&s.buckets);
        let mut l = [0f32; 7];
        let mut t = [0f32; 7];
        for k in 0..7 {
            l[k] = m.logit(&sums, k);
            t[k] = m.threshold(k);
        }
        t[0] = m.collection_threshold(model::latin_script(&s.norm.text));
        Some((l, t))
    }

    fn classify_scratch(
        &self,
        text: &str,
        sender: Option<&str>,
        ctx: &Context,
        signals: bool,
    ) -> Classification {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut s) => self.classify_in(text, sender, ctx, &mut s, signals, true),
            Err(_) => self.classify_in(text, sender, ctx, &mut Scratch::default(), signals, true),
        })
    }

    /// Finds the lexicon terms in `s.norm` into `s.hits` (grouped by rule, in text order
    /// within a rule; terms inside a longer term of another rule dropped). `s.norm` must have
    /// its map.
    fn lexicon_hits(&self, s: &mut Scratch) {
        self.term_hits(s, false);
        Self::settle_hits(s);
    }

    /// [`Classifier::lexicon_hits`] and the concepts (`s.concepts`: the first hit of each by
    /// where it ends, then where it starts, in that order) in one pass over the text.
    fn all_hits(&self, text: &str, s: &mut Scratch) {
        self.term_hits(s, true);
        for am in &self.amounts {
            if !s.concepts.iter().any(|x| x.0 == am.concept) {
                if let Some((a, b)) = am.find(text, &self.fold) {
                    Self::mapped(text, &self.fold, s);
                    // Char range of the text -> byte range of the normalised text.
                    let at = |c: usize| s.norm.map.partition_point(|&m| (m as usize) < c);
                    let (a, b) = (at(a), at(b));
                    if a < b {
                        s.concepts.push((am.concept, a as u32, b as u32));
                    }
                }
            }
        }
        Self::settle_hits(s);
    }

    /// The rules' terms in `s.norm` into `s.hits` (in text order, not settled) and, when
    /// `concepts`, the first hit of each concept into `s.concepts` (in order of where it ends,
    /// then where it starts: the order an overlapping Aho-Corasick search reported them in).
    fn term_hits(&self, s: &mut Scratch, concepts: bool) {
        s.hits.clear();
        s.concepts.clear();
        let (norm, hits, firsts) = (&s.norm, &mut s.hits, &mut s.concepts);
        self.trie
            .each(norm, &self.trie_sieve, |a, b, rule, concept| {
                if rule != NONE {
                    let t = self.terms[rule as usize];
                    if t.matches_at(norm, a, b) {
                        hits.push((t.rule, a as u32, b as u32));
                    }
                }
                if concept != NONE && concepts {
                    let t = self.concept_terms[concept as usize];
                    if t.matches_at(norm, a, b) {
                        let hit = (t.rule, a as u32, b as u32);
                        match firsts.iter_mut().find(|c| c.0 == t.rule) {
                            Some(c) if (hit.2, hit.1) < (c.2, c.1) => *c = hit,
                            Some(_) => {}
                            None => firsts.push(hit),
                        }
                    }
                }
            });
        crate::sort::sort_by_key(firsts, |&(_, a, b)| (b, a));
    }

    /// The first pass over `s.norm` (normalised without its map): false when the full reading
    /// would surely find nothing to report — no rule's term and, with the model, no debt-cue
    /// concept's term and no written amount (see [`sieve`]).
    fn first_pass(&self, text: &str, s: &Scratch, with_model: bool) -> bool {
        if with_model {
            self.sieve.maybe(&s.norm)
                || (self.amounts.iter()).any(|am| {
                    self.concept_cue[am.concept as usize] && am.find(text, &self.fold).is_some()
                })
        } else {
            self.rule_sieve.maybe(&s.norm)
        }
    }

    /// Drops rule hits inside a longer hit of another rule and groups them by rule.
    fn settle_hits(s: &mut Scratch) {
        if s.hits.is_empty() {
            return;
        }
        // A term inside a longer term of another rule is not evidence on its own: "已过最后还款日"
        // (overdue) contains "最后还款日" (pre-due), "visit your workplace" (threat) contains
        // "your workplace" (exposure). Sweep in text order, longest first, and drop those.
        crate::sort::sort_by_key(&mut s.hits, |&(r, a, b)| (a, std::cmp::Reverse(b), r));
        let (mut max_end, mut max_rule) = (0u32, u16::MAX);
        s.hits.retain(|&(r, _, b)| {
            if b <= max_end {
                return r == max_rule;
            }
            max_end = b;
            max_rule = r;
            true
        });
        // Hits grouped by rule (in text order within a rule).
        crate::sort::sort(&mut s.hits);
    }

    /// Whether rule `r` fired and no rule that cancels it did.
    fn active(&self, hits: &[(u16, u32, u32)], r: u16) -> bool {
        let fired = |r: u16| hits.binary_search_by_key(&r, |h| h.0).is_ok();
        fired(r)
            && !self.rules[r as usize]
                .suppressed_by
                .iter()
                .any(|&x| fired(x))
    }

    /// The lexicon's score of `s.hits` and whether an anchor rule fired.
    fn lexicon_score(&self, hits: &[(u16, u32, u32)]) -> (f32, bool) {
        let mut score = 0.0f32;
        let mut anchored = false;
        let mut prev: Option<u16> = None;
        for &(r, _, _) in hits {
            if prev != Some(r) {
                prev = Some(r);
                if self.active(hits, r) {
                    let rule = &self.rules[r as usize];
                    score += rule.weight;
                    anchored |= rule.anchor;
                }
            }
        }
        (score, anchored)
    }

    /// Calls `emit(hash, start, end)` once per active rule and per concept, with its first
    /// hit; once more when the lexicon alone reads the message as collection (with its first
    /// anchor's hit); and for every pair of those rules and concepts (once with each one's hit),
    /// so that the linear model can weigh "a relative and a deadline" apart from either alone.
    fn for_each_rule_feature(&self, s: &Scratch, mut emit: impl FnMut(u64, u32, u32)) {
        /// Pairs are formed among at most this many rules and concepts (bounded work).
        const MAX_ATOMS: usize = 16;
        let mut atoms = [(0u64, 0u32, 0u32); MAX_ATOMS];
        let mut n = 0usize;
        let mut prev: Option<u16> = None;
        let mut anchor_hit: Option<(u32, u32)> = None;
        for &(r, a, b) in &s.hits {
            if prev != Some(r) {
                prev = Some(r);
                if self.active(&s.hits, r) {
                    let h = self.rule_features[r as usize];
                    emit(h, a, b);
                    if n < MAX_ATOMS {
                        atoms[n] = (h, a, b);
                        n += 1;
                    }
                    if self.rules[r as usize].anchor && anchor_hit.is_none() {
                        anchor_hit = Some((a, b));
                    }
                }
            }
        }
        for &(c, a, b) in &s.concepts {
            let h = self.concept_features[c as usize];
            emit(h, a, b);
            if n < MAX_ATOMS {
                atoms[n] = (h, a, b);
                n += 1;
            }
        }
        for i in 0..n {
            for j in i + 1..n {
                let (x, y) = (atoms[i], atoms[j]);
                let h = model::pair_feature(x.0, y.0);
                emit(h, x.1, x.2);
                emit(h, y.1, y.2);
            }
        }
        if let Some((a, b)) = anchor_hit {
            let (score, _) = self.lexicon_score(&s.hits);
            if score >= self.threshold {
                emit(model::lexicon_collection_feature(), a, b);
            }
        }
    }

    /// Up to three pieces of the text that pushed output `lane` up most (`sign` 1.0; down
    /// most: -1.0), as spans of the original text and the words under them: the explanation of
    /// a model decision. Reads the features [`Classifier::model_buckets`] left in `s`.
    #[allow(clippy::too_many_arguments)]
    fn model_evidence(
        &self,
        m: &Model,
        lane: usize,
        sign: f32,
        s: &Scratch,
        text: &str,
        offsets: &CharOffsets,
    ) -> (Vec<Span>, Vec<String>) {
        let mut top: [(f32, u32, u32); 3] = [(0.0, 0, 0); 3];
        for &(h, a, b) in &s.features {
            let c = sign * m.contribution(h, lane);
            if c > top[2].0 {
                top[2] = (c, a, b);
                top.sort_by(|x, y| y.0.total_cmp(&x.0));
            }
        }
        let mut spans: Vec<Span> = top
            .iter()
            .filter(|t| t.0 > 0.0 && t.2 > t.1)
            .map(|&(_, a, b)| Span {
                start: s.norm.orig(a as usize),
                end: s.norm.orig(b as usize - 1) + 1,
            })
            .collect();
        crate::sort::sort_by_key(&mut spans, |sp| (sp.start, sp.end));
        let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
        for sp in spans {
            match merged.last_mut() {
                Some(last) if sp.start <= last.end => last.end = last.end.max(sp.end),
                _ => merged.push(sp),
            }
        }
        let words = offsets.words(text, &merged);
        (merged, words)
    }

    /// Makes sure `s.norm` has its map back to `text` (normalising again gives the same text,
    /// so byte offsets found before stay valid).
    fn mapped(text: &str, fold: &Fold, s: &mut Scratch) {
        if !s.norm.has_map() {
            normalize_into(text, fold, &mut s.norm);
        }
    }

    /// The model's features of the message in `s` (its text's and the lexicon's) into
    /// `s.features`.
    fn message_features(&self, s: &mut Scratch) {
        let mut features = std::mem::take(&mut s.features);
        features.clear();
        model::features_into(&s.norm, &mut features);
        self.for_each_rule_feature(s, |h, a, b| features.push((h, a, b)));
        s.features = features;
    }

    /// The model's features (`s.features`) and their buckets, each once (`s.buckets`), for
    /// the message in `s`.
    fn model_buckets(&self, m: &Model, s: &mut Scratch) {
        self.message_features(s);
        s.seen.reset();
        s.buckets.clear();
        for &(h, _, _) in &s.features {
            let b = m.bucket(h);
            if s.seen.first(b) {
                s.buckets.push(b as u32);
            }
        }
    }

    /// The reading of an unknown sender's message without the first pass (for the test that
    /// the first pass changes no reading).
    #[cfg(test)]
    fn classify_without_first_pass(&self, text: &str, s: &mut Scratch) -> Classification {
        self.classify_in(text, None, &Context::default(), s, true, false)
    }

    fn classify_in(
        &self,
        text: &str,
        sender: Option<&str>,
        ctx: &Context,
        s: &mut Scratch,
        signals: bool,
        first_pass: bool,
    ) -> Classification {
        let text = truncate(text);
        let known = ctx.known_collector.is_some();
        let mut model = self.model.as_deref();
        // Fast path: from an unknown sender, a text without a debt cue is never collection
        // whatever the model says (see `cue` below), and most messages contain no lexicon term
        // at all. A map-free pass finds most messages with neither. The map back to the
        // original text is made only for a message with something to report (`mapped`).
        normalize_text_only(text, &self.fold, &mut s.norm);
        if !known && first_pass && !self.first_pass(text, s, model.is_some()) {
            return Classification::default();
        }
        s.hits.clear();
        s.concepts.clear();
        if model.is_some() {
            self.all_hits(text, s);
        } else {
            self.lexicon_hits(s);
        }
        let (score, anchored) = self.lexicon_score(&s.hits);
        let lex_collection = anchored && score >= self.threshold;
        // The model raises collection on its own above its strict threshold when the text
        // says something of money or repaying (a debt anchor or a debt-cue concept: a bare
        // threat, insult or exposure threat is collection only from a known collector), and
        // keeps the lexicon's reading unless it is confident it is a look-alike (the veto
        // threshold). Without a cue, from an unknown sender, it has nothing to decide.
        let cue = anchored || s.concepts.iter().any(|c| self.concept_cue[c.0 as usize]);
        if !cue && !known {
            model = None;
        }
        // The model: one table lookup per feature, no allocation; first the collection lane
        // alone, all lanes (for the flags) only when the message is collection.
        let mut sums = model.map(|m| {
            self.model_buckets(m, s);
            m.lane0_sums(&s.buckets)
        });
        let (model_collection, vetoed) = match (model, &sums) {
            (Some(m), Some(sums)) => {
                let l = m.logit(sums, 0);
                let t = m.collection_threshold(model::latin_script(&s.norm.text));
                (l >= t && cue, lex_collection && l < m.veto_threshold())
            }
            _ => (false, false),
        };
        if s.hits.is_empty() && !model_collection && !known {
            return Classification::default();
        }
        let lex_collection = lex_collection && !vetoed;
        let collection = lex_collection || model_collection || known;
        Self::mapped(text, &self.fold, s);
        if let (true, Some(m)) = (collection, model) {
            sums = Some(m.sums(&s.buckets));
        }

        let offsets = CharOffsets::new(text);
        let mut out = Classification {
            collection,
            score,
            ..Default::default()
        };
        // Debt words (anchor rules): what a message on a third party's phone discloses.
        let mut debt_spans: Vec<Span> = Vec::new();
        let mut i = 0;
        while i < s.hits.len() {
            let r = s.hits[i].0;
            let mut spans: Vec<Span> = Vec::new();
            while i < s.hits.len() && s.hits[i].0 == r {
                let (_, a, b) = s.hits[i];
                let span = Span {
                    start: s.norm.orig(a as usize),
                    end: s.norm.orig(b as usize - 1) + 1,
                };
                let n = spans.len();
                match spans.last_mut() {
                    Some(last) if span.start < last.end => last.end = last.end.max(span.end),
                    _ if n < MAX_SPANS_PER_RULE => spans.push(span),
                    _ => {}
                }
                i += 1;
            }
            if !self.active(&s.hits, r) {
                continue;
            }
            let rule = &self.rules[r as usize];
            if rule.anchor && debt_spans.len() < MAX_SPANS_PER_RULE {
                debt_spans.extend(spans.iter().copied());
            }
            let flag = rule.flag.filter(|_| collection);
            if flag.is_none() && !signals {
                continue;
            }
            let words = offsets.words(text, &spans);
            let signal = |spans, words| SignalHit {
                rule: rule.id.clone(),
                weight: rule.weight,
                flag: rule.flag,
                spans,
                words,
            };
            match flag {
                Some(flag) => {
                    if signals {
                        out.signals.push(signal(spans.clone(), words.clone()));
                    }
                    out.flags.push(FlagHit {
                        flag,
                        rule: rule.id.clone(),
                        spans,
                        words,
                    });
                }
                None => out.signals.push(signal(spans, words)),
            }
        }
        if let (Some(m), Some(sums)) = (model, &sums) {
            if vetoed && signals {
                let (spans, words) = self.model_evidence(m, 0, -1.0, s, text, &offsets);
                out.signals.push(SignalHit {
                    rule: "model.veto".into(),
                    weight: m.logit(sums, 0),
                    flag: None,
                    spans,
                    words,
                });
            }
            if model_collection && !lex_collection && signals {
                let (spans, words) = self.model_evidence(m, 0, 1.0, s, text, &offsets);
                out.signals.push(SignalHit {
                    rule: "model.collection".into(),
                    weight: m.logit(sums, 0),
                    flag: None,
                    spans,
                    words,
                });
            }
            if collection {
                for (k, flag) in Flag::ALL.into_iter().enumerate() {
                    let lane = k + 1;
                    if out.has(flag) || m.logit(sums, lane) < m.threshold(lane) {
                        continue;
                    }
                    let (spans, words) = self.model_evidence(m, lane, 1.0, s, text, &offsets);
                    if spans.is_empty() {
                        continue;
                    }
                    let rule = format!("model.{}", flag.name());
                    if signals {
                        out.signals.push(SignalHit {
                            rule: rule.clone(),
                            weight: m.logit(sums, lane),
                            flag: Some(flag),
                            spans: spans.clone(),
                            words: words.clone(),
                        });
                    }
                    out.flags.push(FlagHit {
                        flag,
                        rule,
                        spans,
                        words,
                    });
                }
            }
        }
        if collection && ctx.role == Role::ThirdParty {
            // The debt is disclosed when the text names it (an anchor rule of the lexicon).
            let disclosed = (!debt_spans.is_empty()).then(|| debt_spans.clone());
            if !out.has(Flag::ThirdParty) {
                let spans = disclosed.clone().unwrap_or_default();
                out.flags.push(FlagHit {
                    flag: Flag::ThirdParty,
                    rule: "context.third_party".into(),
                    words: offsets.words(text, &spans),
                    spans,
                });
            }
            if let Some(spans) = disclosed.filter(|sp| !sp.is_empty()) {
                if !out.has(Flag::Exposure) {
                    out.flags.push(FlagHit {
                        flag: Flag::Exposure,
                        rule: "context.exposure".into(),
                        words: offsets.words(text, &spans),
                        spans,
                    });
                }
            }
        }
        out.context = ctx.explanation(collection);
        if collection {
            let extract = self.extract.get();
            out.creditor = extract.creditor(text, sender);
            out.callback_numbers = extract.callback_numbers(text);
        }
        out
    }
}

/// Only the first MAX_CHARS chars are looked at (normalisation stops there too).
fn truncate(text: &str) -> &str {
    if text.len() > normalize::MAX_CHARS {
        match text.char_indices().nth(normalize::MAX_CHARS) {
            Some((b, _)) => &text[..b],
            None => text,
        }
    } else {
        text
    }
}

/// Byte offsets of the chars of a text, to turn char spans back into slices.
struct CharOffsets(Vec<usize>);

impl CharOffsets {
    fn new(text: &str) -> CharOffsets {
        let mut v: Vec<usize> = text
            .char_indices()
            .take(normalize::MAX_CHARS)
            .map(|(b, _)| b)
            .collect();
        v.push(v.last().map_or(0, |&b| {
            b + text[b..].chars().next().map_or(0, char::len_utf8)
        }));
        CharOffsets(v)
    }

    /// The text under each span.
    fn words(&self, text: &str, spans: &[Span]) -> Vec<String> {
        spans
            .iter()
            .map(|sp| self.slice(text, *sp).to_string())
            .collect()
    }

    fn slice<'a>(&self, text: &'a str, sp: Span) -> &'a str {
        let a = self.0.get(sp.start).copied().unwrap_or(text.len());
        let b = self.0.get(sp.end).copied().unwrap_or(text.len());
        text.get(a..b.max(a)).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Start-up work split over two threads gives both results; a panic on the second thread
    /// is the caller's, as it would be on one.
    #[test]
    fn in_parallel_returns_both_and_passes_a_panic_on() {
        assert_eq!(in_parallel(|| 1, || "b"), (1, "b"));
        let r = std::panic::catch_unwind(|| in_parallel(|| -> u8 { panic!("in a") }, || 2));
        let panic = r.expect_err("the panic is passed on");
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"in a"));
    }

    /// The builtin lexicon compiles, its extraction patterns (compiled on first use) too, and
    /// they read a creditor's name and a call-back number.
    #[test]
    fn builtin_lexicon_compiles() {
        assert!(!Classifier::builtin().version().is_empty());
        let c = Classifier::builtin_lexicon_only();
        assert!(matches!(c.extract, Extract::OnFirstUse(..)));
        let x = c.extract.get();
        let text = "【速借花】您的借款已逾期，请立即还款，否则上门催收。回电4008123456";
        assert_eq!(x.creditor(text, None).as_deref(), Some("速借花"));
        assert_eq!(x.callback_numbers(text), ["4008123456"]);
    }

    /// An amount is a run of 3 to 7 digits on word boundaries, grouped or not, a one-letter
    /// currency sign glued on allowed; phone numbers, ids glued to words and short numbers are
    /// not amounts. It is a debt cue (the builtin lexicon's `concept.amount`).
    #[test]
    fn written_amounts_are_a_debt_cue_and_phone_numbers_are_not() {
        let c = Classifier::builtin();
        let amount = |t: &str| {
            let am = c
                .amounts
                .iter()
                .find(|a| c.concept_cue[a.concept as usize])
                .unwrap();
            let (a, b) = am.find(t, &c.fold)?;
            Some(t.chars().skip(a).take(b - a).collect::<String>())
        };
        assert_eq!(amount("$350 lands today").as_deref(), Some("350"));
        assert_eq!(amount("the 1,875 today").as_deref(), Some("1,875"));
        assert_eq!(amount("P2,800 today").as_deref(), Some("2,800"));
        assert_eq!(amount("Rp3.250.000 ya").as_deref(), Some("3.250.000"));
        assert_eq!(amount("Rp 1.800.000 besok").as_deref(), Some("1.800.000"));
        assert_eq!(amount("3860，今晚十点前").as_deref(), Some("3860"));
        assert_eq!(amount("call 0917 123 4567 now"), None);
        assert_eq!(amount("call 0917-123-4567 now"), None);
        assert_eq!(amount("case CV22 and ab123cd"), None);
        assert_eq!(amount("see you at 12, ok 5"), None);
        assert_eq!(amount("due 05/06/2024 at 10:30"), None);
        // Separators other than grouping ones end a number: a time or an emoji does not glue
        // the amount next to it into a phone-length run.
        assert_eq!(amount("💰2350 ⏰18:00").as_deref(), Some("2350"));
        assert_eq!(amount("最后通牒。18:00。1450。").as_deref(), Some("1450"));
        // A currency sign makes two digits enough; two bare digits are not an amount.
        assert_eq!(amount("Another $95 fee").as_deref(), Some("95"));
        assert_eq!(amount("£95. Today.").as_deref(), Some("95"));
        assert_eq!(amount("Rs. 80 only").as_deref(), Some("80"));
        assert_eq!(amount("KES 75 leo").as_deref(), Some("75"));
        assert_eq!(amount("95 today"), None);
        assert_eq!(amount("$5 today"), None);
        // A short number with a multiplier; not a multiplier glued inside a word. A digit
        // next to the multiplier is not read as a letter here ("3k", "5k").
        assert_eq!(amount("8k by friday").as_deref(), Some("8k"));
        assert_eq!(amount("Sitaki stori. 3k leo.").as_deref(), Some("3k"));
        assert_eq!(amount("1.2w 今晚").as_deref(), Some("1.2w"));
        assert_eq!(amount("還2萬，今晚").as_deref(), Some("2萬"));
        assert_eq!(amount("sisa 850rb ya").as_deref(), Some("850rb"));
        assert_eq!(amount("sisa 850 rb ya").as_deref(), Some("850 rb"));
        assert_eq!(amount("Jam 5 sore. 1,7jt.").as_deref(), Some("1,7jt"));
        assert_eq!(amount("hk还没到 2k8").as_deref(), Some("2k"));
        // Wide spaces before a number (the ideographic space is 3 bytes, folded to 1).
        assert_eq!(amount("电话　　１８９２０２２７７３２【东盛】"), None);
        assert_eq!(amount("运费　８０元 ￥　８０").as_deref(), Some("８０"));
        assert_eq!(amount("12345k"), None);
        assert_eq!(amount("room 5kitchen, 3wheels"), None);
        // Chinese numerals are the concept's terms (两万, 三千).
        assert!(c.debt_cue("禮拜三。兩萬。別再拖。"));
        assert!(c.debt_cue("三千八，今晚"));
        assert!(c.debt_cue("We know where your kids go to school. 900. Friday."));
        assert!(!c.debt_cue("We know where your kids go to school. Friday."));
    }

    /// Texts of the held-out rounds and some hard cases (spelt out, full-width, one letter).
    fn first_pass_texts() -> Vec<String> {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/labelled/holdout"
        );
        let mut texts: Vec<String> = [
            "you o w e us",
            "已 逾 期 3 天",
            "P4,100 today",
            "ＰＡＹ ＮＯＷ",
            "k",
            "ok k",
            "欠款",
            "欠",
            "逾",
            "pay",
            "PAY.",
            "p",
        ]
        .map(String::from)
        .to_vec();
        for f in std::fs::read_dir(dir).unwrap() {
            let body = std::fs::read_to_string(f.unwrap().path()).unwrap();
            for line in body.lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                texts.push(v["text"].as_str().unwrap().to_string());
            }
        }
        texts
    }

    /// The map-free first pass may end the reading only where the full reading finds nothing:
    /// every message of the held-out rounds (and some hard cases) with a debt cue passes it,
    /// and every one with a rule's term passes it with the model and without.
    #[test]
    fn first_pass_keeps_every_message_with_a_debt_cue_or_a_term() {
        let c = Classifier::builtin();
        let mut s = Scratch::default();
        let (mut with_cue, mut with_term, mut stopped) = (0, 0, 0);
        for t in &first_pass_texts() {
            let t = truncate(t);
            normalize_into(t, &c.fold, &mut s.norm);
            c.lexicon_hits(&mut s);
            let term = !s.hits.is_empty();
            normalize_text_only(t, &c.fold, &mut s.norm);
            if c.debt_cue(t) {
                with_cue += 1;
                assert!(
                    c.first_pass(t, &s, true),
                    "first pass drops a debt cue: {t:?}"
                );
            }
            if term {
                with_term += 1;
                assert!(c.first_pass(t, &s, true), "first pass drops a term: {t:?}");
                assert!(
                    c.first_pass(t, &s, false),
                    "lexicon first pass drops a term: {t:?}"
                );
            }
            stopped += !c.first_pass(t, &s, true) as usize;
        }
        assert!(with_cue > 1000, "{with_cue} messages with a cue");
        assert!(with_term > 1000, "{with_term} messages with a term");
        assert!(
            stopped > 100,
            "the first pass stops only {stopped} messages"
        );
    }

    /// The term trie finds what an overlapping Aho-Corasick search over the same terms finds
    /// (the finder it replaced): the same rule hits and the same first hit of each concept, in
    /// the same order, on every held-out and training message and, when they are here, every
    /// line of the public corpora (../shared/corpora).
    #[test]
    fn the_trie_finds_what_an_automaton_finds() {
        use aho_corasick::{AhoCorasick, MatchKind};
        let file = LexiconFile::parse_json(BUILTIN_LEXICON).unwrap();
        let c = Classifier::builtin();
        let lists = |l: Vec<(&str, &[String])>| compile_terms("x", l.into_iter(), &c.fold);
        let rules = file
            .rules
            .iter()
            .map(|r| (r.id.as_str(), r.terms.as_slice()));
        let concepts = file
            .concepts
            .iter()
            .map(|r| (r.id.as_str(), r.terms.as_slice()));
        let (patterns, _) = lists(rules.collect()).unwrap();
        let (concept_patterns, _) = lists(concepts.collect()).unwrap();
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(patterns.iter().chain(&concept_patterns))
            .unwrap();
        let mut texts = first_pass_texts();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let train = std::fs::read_dir(format!("{root}/tests/fixtures/train")).unwrap();
        let corpora = std::fs::read_dir(format!("{root}/../shared/corpora"));
        for f in train.chain(corpora.into_iter().flatten()) {
            let body = std::fs::read(f.unwrap().path()).unwrap();
            let body = String::from_utf8_lossy(&body);
            texts.extend(body.lines().map(String::from));
        }
        let mut s = Scratch::default();
        let (mut with_hits, mut with_concepts) = (0, 0);
        for t in &texts {
            normalize_into(truncate(t), &c.fold, &mut s.norm);
            let (mut hits, mut firsts) = (Vec::new(), Vec::<(u16, u32, u32)>::new());
            for m in ac.find_overlapping_iter(s.norm.text.as_str()) {
                let (p, a, b) = (m.pattern().as_usize(), m.start(), m.end());
                if let Some(term) = c.terms.get(p) {
                    if term.matches_at(&s.norm, a, b) {
                        hits.push((term.rule, a as u32, b as u32));
                    }
                } else {
                    let term = c.concept_terms[p - c.terms.len()];
                    if term.matches_at(&s.norm, a, b) && !firsts.iter().any(|x| x.0 == term.rule) {
                        firsts.push((term.rule, a as u32, b as u32));
                    }
                }
            }
            c.term_hits(&mut s, true);
            hits.sort_unstable();
            s.hits.sort_unstable();
            assert_eq!((&s.hits, &s.concepts), (&hits, &firsts), "{t:?}");
            with_hits += !hits.is_empty() as usize;
            with_concepts += !firsts.is_empty() as usize;
        }
        assert!(
            with_hits > 10_000 && with_concepts > 10_000,
            "{with_hits} {with_concepts}"
        );
    }

    /// A concept's first hit is the one that ends first (then starts first), as the automaton
    /// reported it, even when a longer term of the concept starts before it.
    #[cfg(feature = "toml-files")]
    #[test]
    fn a_concepts_first_hit_is_the_one_that_ends_first() {
        let c = Classifier::from_toml_str(concat!(
            "[meta]\nversion = \"t\"\ncollection_threshold = 1.0\n",
            "[[rule]]\nid = \"r\"\nweight = 1.0\nanchor = true\nterms = [\"欠款\"]\n",
            "[[concept]]\nid = \"a\"\nterms = [\"还款日期\", \"款日\"]\n",
            "[[concept]]\nid = \"b\"\nterms = [\"还款\"]\n",
        ))
        .unwrap();
        let mut s = Scratch::default();
        normalize_into("还款日期", &c.fold, &mut s.norm);
        c.term_hits(&mut s, true);
        // "还款" (b) ends at byte 6, "款日" (a) at 9, "还款日期" (a) at 12.
        assert_eq!(s.concepts, [(1, 0, 6), (0, 3, 9)]);
    }

    /// The first pass changes no reading: every held-out message reads the same with it as when
    /// the full reading runs on every message.
    #[test]
    fn first_pass_changes_no_reading() {
        let c = Classifier::builtin();
        let lexicon_only = Classifier::builtin_lexicon_only();
        let mut s = Scratch::default();
        for t in &first_pass_texts() {
            for c in [c, &lexicon_only] {
                let fast = c.classify(t, None);
                let full = c.classify_without_first_pass(t, &mut s);
                assert_eq!(format!("{fast:?}"), format!("{full:?}"), "{t:?}");
            }
        }
    }

    /// The committed weights load and were trained for this feature code.
    #[cfg(feature = "builtin-model")]
    #[test]
    fn builtin_model_loads() {
        let m = Classifier::builtin().model().expect("a builtin model");
        assert!(m.entries() > 0, "the builtin model is empty");
        assert!(BUILTIN_MODEL.len() <= model::MAX_FILE_BYTES);
        // Hashed on first use, from the compiled-in bytes, as a file read at run time is.
        assert_eq!(m.digest(), &model::sha256(BUILTIN_MODEL));
        assert_eq!(
            m.digest(),
            Model::from_bytes(BUILTIN_MODEL).unwrap().digest()
        );
    }

    /// The JSON that build.rs embeds says what the TOML source says.
    #[cfg(feature = "toml-files")]
    #[test]
    fn builtin_lexicon_is_the_toml_source() {
        let src = include_str!("../../data/lexicon/collection.toml");
        let from_toml = format!("{:?}", LexiconFile::parse_toml(src).unwrap());
        let from_json = format!("{:?}", LexiconFile::parse_json(BUILTIN_LEXICON).unwrap());
        assert_eq!(from_toml, from_json);
        assert!(from_json.contains("debt.overdue.state.zh"));
    }

    #[test]
    fn lawful_overdue_notice_is_collection_without_flags() {
        let r = Classifier::builtin().classify(
            "截至20140301您的尾号为2327的贷记卡透支102.10人民币，账户已逾期。请您尽快还款。工银信用卡【工商银行】",
            None,
        );
        assert!(r.collection, "{r:?}");
        assert!(r.flags.is_empty(), "{r:?}");
        assert_eq!(r.creditor.as_deref(), Some("工商银行"));
    }

    #[test]
    fn spans_point_into_the_original_text() {
        let text = "你已經逾 期三天，再不還錢就爆通訊錄！";
        let r = Classifier::builtin().classify(text, None);
        assert!(r.collection, "{r:?}");
        let hit = r.flags.iter().find(|h| h.flag == Flag::Exposure).unwrap();
        assert_eq!(hit.words, vec!["爆通訊錄".to_string()]);
        let chars: Vec<char> = text.chars().collect();
        let sp = hit.spans[0];
        assert_eq!(
            chars[sp.start..sp.end].iter().collect::<String>(),
            "爆通訊錄"
        );
    }

    #[test]
    fn english_terms_respect_word_boundaries() {
        let r = Classifier::builtin().classify("My familiar friend", None);
        assert!(r.signals.iter().all(|s| !s.rule.starts_with("abuse")));
    }
}
