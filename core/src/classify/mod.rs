//! Collector-message classifier. INTERFACE ONLY for now: the implementation (lexicons as data,
//! normalisation, multi-pattern matching) is being written in issue 3. Until then `classify`
//! recognises nothing, so nothing may rely on it being real.

use serde::{Deserialize, Serialize};

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

/// What the classifier says about one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Classification {
    pub collection: bool,
    pub score: f32,
    pub flags: Vec<FlagHit>,
    /// Creditor named in the message (【XX金融】, "XYZ Collections"), if any.
    pub creditor: Option<String>,
    /// Call-back numbers quoted in the text, as written.
    pub callback_numbers: Vec<String>,
}

/// A compiled classifier.
#[derive(Debug, Default)]
pub struct Classifier {}

impl Classifier {
    /// The lexicon compiled into the library.
    pub fn builtin() -> &'static Classifier {
        static C: Classifier = Classifier {};
        &C
    }

    pub fn classify(&self, _text: &str, _sender: Option<&str>) -> Classification {
        Classification::default()
    }
}
