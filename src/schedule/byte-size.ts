/** Byte sizes as written in the tasks file: "256KiB", "1MiB", "64KB", "512B" or a plain integer. */
import { showValue } from './show-value.js';
import type { ParseResult } from './types.js';

// SI units are powers of 1000, IEC units powers of 1024, as the unit names say.
const UNIT_BYTES: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};

const SIZE = /^(\d+)(B|KB|MB|GB|KiB|MiB|GiB)?$/;

/** Parse "256KiB" into bytes; a bare integer is already bytes. */
export function parseByteSize(raw: unknown): ParseResult<number> {
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) return { ok: true, value: raw };
  const match = typeof raw === 'string' ? SIZE.exec(raw) : null;
  if (match === null) {
    return { ok: false, message: `expected a size like "512B", "64KB" or "256KiB", got ${showValue(raw)}` };
  }
  const value = Number(match[1]) * (UNIT_BYTES[match[2] ?? 'B'] ?? 1);
  if (!Number.isSafeInteger(value)) return { ok: false, message: `size too large: ${showValue(raw)}` };
  return { ok: true, value };
}

// Largest first; binary units before SI ones, since binary is what the defaults use ("256KiB").
const SHOWN_UNITS: readonly string[] = ['GiB', 'MiB', 'KiB', 'GB', 'MB', 'KB'];

/**
 * Bytes as the tasks file would write them, exact: the largest unit that divides them, binary
 * first (262144 -> "256KiB", 64000 -> "64KB", 1500 -> "1500B"), so the value reads as it was
 * written and parses back to the same number.
 */
export function formatByteSize(bytes: number): string {
  if (!Number.isSafeInteger(bytes) || bytes <= 0) return `${bytes}B`;
  for (const unit of SHOWN_UNITS) {
    const size = UNIT_BYTES[unit] as number;
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}
