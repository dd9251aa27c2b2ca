//! The account's Zendesk API budget as a Durable Object (one, named `account`): it keeps
//! `core::api_budget::ApiBudget` and answers the conversations' asks (`core::edges::BudgetRequest`).
//! The decisions are the core's; this module loads, asks, saves. Messages never wait here: a
//! conversation told to wait sleeps on its own alarm, so each ask is one short read-modify-write.

use crate::core::api_budget::{self, ApiBudget, BudgetSettings, SlotAnswer, SlotAsk};
use crate::core::edges::{BudgetAnswer, BudgetRequest};
use crate::core::logline::LogLine;
use crate::stubs;
use std::cell::RefCell;
use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

pub const BINDING: &str = "API_BUDGET";
const NAME: &str = "account";
const KEY: &str = "budget";

async fn request(env: &Env, request: &BudgetRequest) -> Result<BudgetAnswer> {
    let stub = env
        .durable_object(BINDING)?
        .id_from_name(NAME)?
        .get_stub()?;
    stubs::ask(&stub, request).await
}

/// A conversation's ask; `None` when the budget cannot be asked (the call then goes: Zendesk
/// still limits it, and a message is never held up by the budget's own failure).
pub async fn ask(env: &Env, ask: SlotAsk, settings: BudgetSettings) -> Option<SlotAnswer> {
    let req = BudgetRequest::Ask { ask, settings };
    match request(env, &req).await {
        Ok(BudgetAnswer::Slot(answer)) => Some(answer),
        Ok(BudgetAnswer::Report(_)) => None,
        Err(e) => {
            crate::log::emit(
                &LogLine::warn("budget.unavailable").field("error", e.to_string()),
                &[],
            );
            None
        }
    }
}

/// The budget as `GET /admin/metrics` shows it.
pub async fn read(env: &Env, settings: BudgetSettings) -> Result<serde_json::Value> {
    let req = BudgetRequest::Read { settings };
    match request(env, &req).await? {
        BudgetAnswer::Report(v) => Ok(v),
        BudgetAnswer::Slot(_) => Err(worker::Error::RustError("unexpected answer".into())),
    }
}

/// Keeps `ApiBudget` (versioned JSON under one key), and a copy in memory while it lives.
#[durable_object(fetch)]
pub struct ZendeskBudget {
    state: State,
    env: Env,
    budget: RefCell<Option<ApiBudget>>,
}

impl ZendeskBudget {
    async fn load(&self, settings: BudgetSettings, now_ms: u64) -> Result<ApiBudget> {
        if let Some(b) = self.budget.borrow().clone() {
            return Ok(b);
        }
        let stored = crate::storage::load_text(&self.state.storage(), KEY).await?;
        let decoded = stored.map(|text| serde_json::from_str::<ApiBudget>(&text));
        Ok(match decoded {
            Some(Ok(b)) if b.version == api_budget::VERSION => b,
            Some(_) => {
                // A form this version cannot read: a new epoch (held slots are asked again).
                crate::log::emit(&LogLine::warn("budget.state_reset"), &[]);
                ApiBudget::new(now_ms, settings, now_ms)
            }
            None => ApiBudget::new(now_ms, settings, now_ms),
        })
    }
}

impl DurableObject for ZendeskBudget {
    fn new(state: State, env: Env) -> Self {
        ZendeskBudget {
            state,
            env,
            budget: RefCell::new(None),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        crate::log::configure(&self.env);
        let request: BudgetRequest = match stubs::read(&mut req).await {
            Ok(r) => r,
            Err((detail, status)) => return Response::error(detail, status),
        };
        let now_ms = crate::clock::now_ms();
        let (settings, ask) = match request {
            BudgetRequest::Ask { ask, settings } => (settings, Some(ask)),
            BudgetRequest::Read { settings } => (settings, None),
        };
        // Only storage calls between the load and the save: the input gate keeps them atomic.
        let mut budget = self.load(settings, now_ms).await?;
        let Some(ask) = ask else {
            return stubs::answer(&BudgetAnswer::Report(budget.report(settings, now_ms)));
        };
        let answer = budget.ask(&ask, settings, now_ms);
        let text = serde_json::to_string(&budget)?;
        *self.budget.borrow_mut() = Some(budget);
        crate::storage::save_text(&self.state.storage(), KEY, text).await?;
        stubs::answer(&BudgetAnswer::Slot(answer))
    }
}
