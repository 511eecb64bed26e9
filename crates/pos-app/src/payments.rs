//! Money at the gateway, written ahead. Every gateway call has a [`PaymentAttempt`] committed
//! before it and its outcome recorded after it, so money never moves without a row saying so:
//! a charge whose sale did not commit is reversed (and stays `Reversing` until the gateway
//! confirms), a payout stays `Open` until the gateway says what happened, and the
//! reconciler ([`Checkout::reconcile`](crate::Checkout::reconcile), [`Returns::reconcile`](crate::Returns::reconcile))
//! finishes whatever a crash or a lost answer left open.
//!
//! Attempts change state by conditional updates (from the states a step expects), so two
//! parties finishing the same attempt (a retry and the reconciler, two reconcilers) cannot both
//! act on it: one wins, the other sees it moved on.

use chrono::Utc;
use pos_core::{Money, StoreId};
use pos_payments::{
    Approval, AuthorizeRequest, GatewayOutcome, GatewayStatus, IdempotencyKey, Payment, PaymentGateway,
    PaymentState, TenderKind,
};

use crate::error::AppError;
use crate::ports::{AttemptOperation, AttemptState, AttemptStore, PaymentAttempt};

/// The gateway with the store's attempt book.
pub(crate) struct Gate<'a, S: AttemptStore + ?Sized, G: PaymentGateway + ?Sized> {
    pub(crate) store: &'a S,
    pub(crate) gateway: &'a G,
    pub(crate) store_id: &'a StoreId,
}

/// A fresh attempt.
pub(crate) fn attempt(
    key: String,
    document: &str,
    operation: AttemptOperation,
    kind: TenderKind,
    amount: Money,
    original: Option<String>,
) -> PaymentAttempt {
    let now = Utc::now();
    PaymentAttempt {
        key,
        document: document.to_owned(),
        operation,
        kind,
        amount,
        original,
        state: AttemptState::Open,
        approval: None,
        note: None,
        opened_at: now,
        updated_at: now,
    }
}

impl<S: AttemptStore + ?Sized, G: PaymentGateway + ?Sized> Gate<'_, S, G> {
    /// Moves an attempt to `to` if it is in one of `from`; false when it had moved on.
    pub(crate) async fn advance(
        &self,
        attempt: &mut PaymentAttempt,
        from: &[AttemptState],
        to: AttemptState,
    ) -> Result<bool, AppError> {
        let mut next = attempt.clone();
        next.state = to;
        next.updated_at = Utc::now();
        let moved = self.store.update_attempt(self.store_id, &next, from).await?;
        if moved {
            *attempt = next;
        }
        Ok(moved)
    }

    /// Charges one tender of a sale. The attempt is written first; one an earlier try of the
    /// same request got approved is reused, one that was reversed is refused.
    ///
    /// # Errors
    /// [`AppError::Declined`], [`AppError::PaymentPending`] (the attempt stays open for the
    /// reconciler), [`AppError::PaymentReversed`].
    pub(crate) async fn charge(
        &self,
        mut a: PaymentAttempt,
        token: Option<String>,
    ) -> Result<Approval, AppError> {
        if let Some(prev) = self.store.begin_attempt(self.store_id, &a).await? {
            match (prev.state, prev.approval.clone()) {
                (AttemptState::Approved | AttemptState::Committed, Some(approval)) => return Ok(approval),
                (AttemptState::Reversing | AttemptState::Reversed, _) => {
                    return Err(AppError::PaymentReversed { key: prev.key });
                }
                _ => a = prev,
            }
        }
        let key = IdempotencyKey(a.key.clone());
        let from = [AttemptState::Open, AttemptState::Declined];
        match self.authorize_and_capture(&key, a.amount, token).await {
            Ok(approval) => {
                a.approval = Some(approval.clone());
                a.note = None;
                if !self.advance(&mut a, &from, AttemptState::Approved).await? {
                    return Err(AppError::PaymentReversed { key: key.0 });
                }
                Ok(approval)
            }
            Err(AppError::Declined { reason }) => {
                a.note = Some(reason.clone());
                self.advance(&mut a, &from, AttemptState::Declined).await?;
                Err(AppError::Declined { reason })
            }
            Err(e) => {
                a.note = Some(e.to_string());
                self.advance(&mut a, &[AttemptState::Open], AttemptState::Open).await?;
                Err(e)
            }
        }
    }

    /// Authorizes and captures; an unknown outcome is reconciled by a status query.
    async fn authorize_and_capture(
        &self,
        key: &IdempotencyKey,
        amount: Money,
        token: Option<String>,
    ) -> Result<Approval, AppError> {
        let mut payment = Payment::new(amount)?;
        let outcome =
            self.gateway.authorize(AuthorizeRequest { key: key.clone(), amount, payment_token: token }).await;
        let approval = match outcome {
            GatewayOutcome::Approved(a) => {
                payment.authorize()?;
                a
            }
            GatewayOutcome::Declined { reason } => return Err(AppError::Declined { reason }),
            _ => {
                let status = self.gateway.status(key).await;
                payment.reconcile(&status)?;
                match status {
                    GatewayStatus::Authorized(a) | GatewayStatus::Captured(a) => a,
                    GatewayStatus::Declined { reason } => return Err(AppError::Declined { reason }),
                    GatewayStatus::NotFound | GatewayStatus::Voided => {
                        return Err(AppError::Declined { reason: "the gateway has no such payment".into() });
                    }
                    _ => return Err(AppError::PaymentPending { key: key.0.clone() }),
                }
            }
        };
        if payment.state() == PaymentState::Authorized {
            match self.gateway.capture(key.clone(), &approval.reference, amount).await {
                GatewayOutcome::Approved(_) => payment.capture(amount)?,
                GatewayOutcome::Declined { reason } => return Err(AppError::Declined { reason }),
                _ => match self.gateway.status(key).await {
                    GatewayStatus::Captured(_) => payment.capture(amount)?,
                    _ => return Err(AppError::PaymentPending { key: key.0.clone() }),
                },
            }
        }
        Ok(approval)
    }

    /// Gives back the money of a charge whose sale did not commit: void, or refund when the
    /// gateway no longer voids it. True once the gateway confirmed; otherwise the attempt stays
    /// `Reversing` for the reconciler. False also when the attempt moved on meanwhile (its sale
    /// committed after all).
    pub(crate) async fn reverse(&self, mut a: PaymentAttempt) -> Result<bool, AppError> {
        let from = [AttemptState::Open, AttemptState::Approved, AttemptState::Reversing];
        if !self.advance(&mut a, &from, AttemptState::Reversing).await? {
            return Ok(false);
        }
        let Some(reference) = a.approval.as_ref().map(|x| x.reference.clone()) else {
            // No approval known: ask the gateway what it has under the key.
            return match self.gateway.status(&IdempotencyKey(a.key.clone())).await {
                GatewayStatus::Authorized(approval) | GatewayStatus::Captured(approval) => {
                    a.approval = Some(approval);
                    Box::pin(self.reverse(a)).await
                }
                GatewayStatus::NotFound | GatewayStatus::Declined { .. } | GatewayStatus::Voided => {
                    a.note = Some("the gateway took nothing".into());
                    self.advance(&mut a, &[AttemptState::Reversing], AttemptState::Reversed).await
                }
                _ => Ok(false),
            };
        };
        let voided = self.gateway.void(IdempotencyKey(format!("{}/void", a.key)), &reference).await;
        let done = match voided {
            GatewayOutcome::Approved(_) => true,
            _ => matches!(
                self.gateway.refund(IdempotencyKey(format!("{}/reverse", a.key)), &reference, a.amount).await,
                GatewayOutcome::Approved(_)
            ),
        };
        if done {
            a.note = None;
            self.advance(&mut a, &[AttemptState::Reversing], AttemptState::Reversed).await?;
        }
        Ok(done)
    }

    /// Pays a claimed refund back to a card or wallet (the attempt was written with the claim).
    ///
    /// # Errors
    /// [`AppError::Declined`] (the attempt is declined), [`AppError::PaymentPending`] (it stays
    /// open).
    pub(crate) async fn pay_out(&self, mut a: PaymentAttempt) -> Result<Approval, AppError> {
        match (a.state, a.approval.clone()) {
            (AttemptState::Approved | AttemptState::Committed, Some(approval)) => return Ok(approval),
            (AttemptState::Declined, _) => {
                return Err(AppError::Declined { reason: a.note.clone().unwrap_or_default() });
            }
            _ => {}
        }
        let key = IdempotencyKey(a.key.clone());
        let original = a.original.clone().unwrap_or_default();
        let outcome = match self.gateway.refund(key.clone(), &original, a.amount).await {
            GatewayOutcome::Unknown => match self.gateway.status(&key).await {
                GatewayStatus::Refunded(x) | GatewayStatus::Captured(x) => GatewayOutcome::Approved(x),
                GatewayStatus::Declined { reason } => GatewayOutcome::Declined { reason },
                _ => GatewayOutcome::Unknown,
            },
            other => other,
        };
        match outcome {
            GatewayOutcome::Approved(approval) => {
                a.approval = Some(approval.clone());
                self.advance(&mut a, &[AttemptState::Open], AttemptState::Approved).await?;
                Ok(approval)
            }
            GatewayOutcome::Declined { reason } => {
                a.note = Some(reason.clone());
                self.advance(&mut a, &[AttemptState::Open], AttemptState::Declined).await?;
                Err(AppError::Declined { reason })
            }
            _ => Err(AppError::PaymentPending { key: key.0 }),
        }
    }
}
