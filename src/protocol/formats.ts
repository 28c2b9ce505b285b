// Wire shapes of audio formats and output state, as zod schemas: what the core reports to the
// front ends and the web app. The engine's own types (src/audio/format.ts) have the same shape; these
// schemas are the contract for anything that crosses a process or network boundary.

import { z } from 'zod';

export const SampleKindSchema = z.enum(['s8', 's16', 's24', 's32', 'f32', 'f64', 'dsd']);

/** A stream's format: `rate` in frames per second (DSD: bits per second per channel), `validBits` the true depth. */
export const AudioFormatSchema = z.object({
  rate: z.number().int().positive(),
  channels: z.number().int().min(1).max(8),
  sample: SampleKindSchema,
  validBits: z.number().int().min(1).max(64),
});
export type WireAudioFormat = z.infer<typeof AudioFormatSchema>;

export const OutputModeSchema = z.enum(['exclusive', 'shared']);
export type OutputModeName = z.infer<typeof OutputModeSchema>;

/** How the output was opened for the current stream, as read back from the driver. */
export const OutputStateSchema = z.object({
  name: z.string(),
  mode: OutputModeSchema,
  format: AudioFormatSchema,
  /** Byte layout the device takes (S24_3LE, S32_LE, DSD_U32_BE...). */
  container: z.string(),
  bitPerfect: z.boolean(),
  hardwareVolume: z.boolean(),
});
export type OutputStateWire = z.infer<typeof OutputStateSchema>;

/** One container a device accepts, with its rates and channel counts. */
export const FormatCapsSchema = z.object({
  container: z.string(),
  validBits: z.number().int().optional(),
  rates: z.array(z.number().int()),
  channelsMin: z.number().int(),
  channelsMax: z.number().int(),
});

/** An output a user can pick, with what its driver accepts. */
export const OutputListingSchema = z.object({
  name: z.string(),
  description: z.string(),
  modes: z.array(OutputModeSchema),
  isDefault: z.boolean(),
  /** The output the settings name (the one the engine plays to). */
  selected: z.boolean(),
  capabilities: z.object({
    formats: z.union([z.array(FormatCapsSchema), z.literal('any')]),
    rateRange: z.tuple([z.number(), z.number()]).nullable(),
    hardwareVolume: z.boolean(),
  }).nullable(),
  /** Why probing failed (busy, gone), else null. */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type OutputListingWire = z.infer<typeof OutputListingSchema>;
