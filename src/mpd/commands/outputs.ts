// Outputs. Auris plays to exactly one output at a time (settings.output), so enabling an output
// selects it, and the selected one cannot be disabled (enable another instead). Each output shows
// its mode as the attribute `mode=exclusive|shared`, which `outputset ID mode VALUE` changes.

import type { OutputListingWire } from '../../protocol/formats.ts';
import { ACK, MpdError } from '../ack.ts';
import { parseUnsigned } from '../args.ts';
import { PERMISSION, type CommandContext, type CommandSpec } from '../context.ts';

const { READ, ADMIN } = PERMISSION;

async function listing(ctx: CommandContext): Promise<OutputListingWire[]> {
  return ctx.core.outputs.list();
}

async function byId(ctx: CommandContext, arg: string): Promise<OutputListingWire> {
  const id = parseUnsigned(arg);
  const o = (await listing(ctx))[id];
  if (!o) throw new MpdError(ACK.NO_EXIST, 'No such audio output');
  return o;
}

function modeOf(ctx: CommandContext, o: OutputListingWire): 'exclusive' | 'shared' {
  if (o.selected) return ctx.core.settings.get().output.mode;
  return o.modes.includes('shared') ? 'shared' : 'exclusive';
}

async function outputs(ctx: CommandContext): Promise<void> {
  (await listing(ctx)).forEach((o, id) => {
    ctx.r.kv('outputid', id);
    ctx.r.kv('outputname', o.name);
    ctx.r.kv('plugin', o.name.split(':')[0]!);
    ctx.r.kv('outputenabled', o.selected ? 1 : 0);
    ctx.r.kv('attribute', `mode=${modeOf(ctx, o)}`);
  });
}

async function enable(ctx: CommandContext, args: string[]): Promise<void> {
  const o = await byId(ctx, args[0]!);
  if (!o.selected) await ctx.core.outputs.select(o.name);
}

async function disable(ctx: CommandContext, args: string[]): Promise<void> {
  const o = await byId(ctx, args[0]!);
  if (o.selected) throw new MpdError(ACK.ARG, `Auris plays to one output at a time: enable another output instead of disabling "${o.name}"`);
}

async function toggle(ctx: CommandContext, args: string[]): Promise<void> {
  const o = await byId(ctx, args[0]!);
  if (o.selected) return disable(ctx, args);
  await ctx.core.outputs.select(o.name);
}

async function outputSet(ctx: CommandContext, args: string[]): Promise<void> {
  const o = await byId(ctx, args[0]!);
  const [name, value] = [args[1]!, args[2]!];
  if (name !== 'mode') throw new MpdError(ACK.ARG, `Unsupported attribute "${name}": Auris outputs have "mode"`);
  if (value !== 'exclusive' && value !== 'shared') throw new MpdError(ACK.ARG, 'mode is "exclusive" or "shared"');
  if (!o.modes.includes(value)) throw new MpdError(ACK.ARG, `${o.name} has no ${value} mode`);
  await ctx.core.outputs.select(o.name, value);
}

export const OUTPUT_COMMANDS: CommandSpec[] = [
  { name: 'outputs', permission: READ, min: 0, max: 0, run: outputs },
  { name: 'enableoutput', permission: ADMIN, min: 1, max: 1, run: enable },
  { name: 'disableoutput', permission: ADMIN, min: 1, max: 1, run: disable },
  { name: 'toggleoutput', permission: ADMIN, min: 1, max: 1, run: toggle },
  { name: 'outputset', permission: ADMIN, min: 3, max: 3, run: outputSet },
];
