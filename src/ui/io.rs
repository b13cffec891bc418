//! Requests on their way to the service: ids, which replies are awaited (of several queries of the
//! same kind only the newest counts), and the type-ahead coalescing of queued requests.

use super::app::{Effect, Request};

/// Keeps, of several queued requests of the same replaceable kind, only the last (type-ahead).
pub fn coalesce(effects: Vec<Effect>) -> Vec<Effect> {
    let mut out: Vec<Effect> = Vec::with_capacity(effects.len());
    for e in effects {
        if let Effect::Request(_, r) = &e
            && r.replaceable()
            && let Some(pos) = out
                .iter()
                .position(|o| matches!(o, Effect::Request(_, p) if p.same_kind(r)))
        {
            out.remove(pos);
        }
        out.push(e);
    }
    out
}

/// Request ids and the queries whose replies are awaited: of several queries of the same kind only
/// the newest counts (type-ahead, a list asked again), and going back drops them all.
#[derive(Debug, Clone, Default)]
pub struct Io {
    next_id: u64,
    awaiting: Vec<(u64, Request)>,
}

impl Io {
    /// A request whose reply is always handled (draft saves, documents, session checks).
    pub fn request(&mut self, r: Request) -> Effect {
        self.next_id += 1;
        Effect::Request(self.next_id, r)
    }

    /// A query: its reply is used only if no newer query of the same kind was sent meanwhile.
    pub fn query(&mut self, r: Request) -> Effect {
        self.awaiting.retain(|(_, q)| !q.same_kind(&r));
        self.next_id += 1;
        self.awaiting.push((self.next_id, r.clone()));
        Effect::Request(self.next_id, r)
    }

    /// Long work for the job worker (see [`super::jobs`]): its id and the effect.
    pub fn job(&mut self, r: Request) -> (u64, Effect) {
        self.next_id += 1;
        (self.next_id, Effect::Job(self.next_id, r))
    }

    /// Whether the reply to `id` is awaited; it is not any longer.
    pub fn take(&mut self, id: u64) -> bool {
        let before = self.awaiting.len();
        self.awaiting.retain(|(i, _)| *i != id);
        self.awaiting.len() != before
    }

    /// The operator left the screen: replies to its queries are dropped.
    pub fn forget(&mut self) {
        self.awaiting.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Actor;
    use crate::ui::drafts;

    fn actor() -> Actor {
        Actor::system(None, None)
    }

    #[test]
    fn type_ahead_keeps_only_the_last_query_and_every_write() {
        let q = |n| {
            Effect::Request(
                n,
                Request::Home(crate::ui::home::Req::Home {
                    actor: actor(),
                    retention: Default::default(),
                }),
            )
        };
        let d = |n, c: &str| {
            Effect::Request(
                n,
                Request::Drafts(drafts::Req::Save {
                    actor: actor(),
                    form: "f".into(),
                    record: String::new(),
                    content: c.into(),
                }),
            )
        };
        let out = coalesce(vec![q(1), d(2, "a"), q(3), d(4, "ab"), Effect::Quit]);
        assert_eq!(out, vec![q(3), d(4, "ab"), Effect::Quit]);
    }
}
