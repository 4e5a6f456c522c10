//! What is known about a message beyond its text: whether its sender is a known collector
//! (and why), and whose phone it arrived on. The store decides both (a number in a case, a
//! recent collection message from it); the classifier only reads them.

use serde::{Deserialize, Serialize};

/// Whose phone the message arrived on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The borrower's own phone (the default).
    #[default]
    Borrower,
    /// A relative's, friend's, colleague's or employer's phone: a collector's message about
    /// someone's debt there is third-party contact.
    ThirdParty,
}

/// The reading context of one message. `Context::default()` is an unknown sender on the
/// borrower's phone: the strict reading, where collection needs a debt anchor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Context {
    /// `Some(reason)` when the sender is a known collector, with the reason shown in the
    /// explanation ("sender is in case 速借花"). The message is then collector contact and
    /// each flag is raised from its wording alone.
    #[serde(default)]
    pub known_collector: Option<String>,
    #[serde(default)]
    pub role: Role,
}

impl Context {
    /// A known collector's message, with the reason (shown in the explanation).
    pub fn known_collector(reason: impl Into<String>) -> Context {
        Context {
            known_collector: Some(reason.into()),
            role: Role::Borrower,
        }
    }

    /// The same context on a third party's phone.
    pub fn on_third_party_phone(mut self) -> Context {
        self.role = Role::ThirdParty;
        self
    }

    /// Why this context decided, as [`super::Classification::context`] says it, for a message
    /// read as collection or not (`None`: the context changed nothing).
    pub fn explanation(&self, collection: bool) -> Option<String> {
        if let Some(reason) = &self.known_collector {
            let mut why =
                format!("{reason}: read as collector contact, each flag from its wording alone");
            if self.role == Role::ThirdParty {
                why.push_str("; received on a third party's phone");
            }
            Some(why)
        } else if collection && self.role == Role::ThirdParty {
            Some("received on a third party's phone".into())
        } else {
            None
        }
    }
}
