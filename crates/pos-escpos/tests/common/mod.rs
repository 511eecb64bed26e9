//! A fake printer that serves any byte link (a TCP stream, a pty's master side): it records what
//! it is sent and answers `DLE EOT` as a printer does, reading 64 bytes at a time; and a long
//! Korean receipt.
#![allow(dead_code, reason = "each test file uses part of it")]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use pos_core::receipt::{Receipt, ReceiptLine, ReceiptTender, StoreHeader};
use pos_core::{Currency, TaxMode};
use rust_decimal::Decimal;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// How the fake behaves.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Mode {
    Ready,
    PaperOut,
    CoverOpen,
    CutterJam,
    HotHead,
    NeverReads,
    ClosesAfter(usize),
}

/// Serves one link until it closes: records printed bytes (not the status requests) in `record`.
pub(crate) async fn serve<R, W>(mut r: R, mut w: W, mode: Mode, record: Arc<Mutex<Vec<u8>>>)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    if mode == Mode::NeverReads {
        tokio::time::sleep(Duration::from_secs(60)).await;
        return;
    }
    let mut taken = 0;
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = [0_u8; 64];
    loop {
        let n = match r.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        taken += n;
        if let Mode::ClosesAfter(limit) = mode
            && taken > limit
        {
            return;
        }
        pending.extend_from_slice(&buf[..n]);
        // Status requests are answered at once; everything else is printed.
        let mut i = 0;
        while i < pending.len() {
            if pending[i] == 0x10 && pending.get(i + 1) == Some(&0x04) {
                let Some(&which) = pending.get(i + 2) else { break };
                let answer = match (mode, which) {
                    (Mode::PaperOut, 4) => 0x72,
                    (Mode::CoverOpen, 2) => 0x16,
                    (Mode::CutterJam, 3) => 0x1A,
                    (Mode::HotHead, 3) => 0x52,
                    _ => 0x12,
                };
                if w.write_all(&[answer]).await.is_err() {
                    return;
                }
                i += 3;
            } else {
                record.lock().unwrap().push(pending[i]);
                i += 1;
            }
        }
        pending.drain(..i);
        // A slow printer: its buffer empties as it prints.
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
}

pub(crate) fn long_receipt(lines: usize) -> Receipt {
    let d = |n: i64| Decimal::from(n);
    let items: Vec<ReceiptLine> = (0..lines)
        .map(|i| ReceiptLine {
            name: format!("상품 {i} 바나나우유"),
            quantity: "1".into(),
            unit_price: d(1_000),
            base: d(1_000),
            discounts: Vec::new(),
            tax_label: "A".into(),
            total: d(1_000),
        })
        .collect();
    let total = d(1_000 * lines as i64);
    Receipt {
        currency: Currency::KRW,
        header: StoreHeader { name: "강남역점".into(), lines: Vec::new(), tax_id: None },
        number: "T1-000001".into(),
        terminal: "T1".into(),
        cashier: "kim".into(),
        datetime: "2026-12-07 12:00".into(),
        lines: items,
        subtotal: total,
        discount_total: Decimal::ZERO,
        total,
        tax_mode: TaxMode::Inclusive,
        taxes: Vec::new(),
        tenders: vec![ReceiptTender { label: "현금".into(), amount: total }],
        change: Decimal::ZERO,
        footer: Vec::new(),
        code: None,
    }
}
