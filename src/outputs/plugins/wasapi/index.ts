// WASAPI output (Windows): `wasapi:` is the default render endpoint, `wasapi:<endpoint id>` one
// endpoint by its stable ID ("{0.0.0.00000000}.{GUID}"), `wasapi:name=<friendly name>` the first
// active endpoint with that name. Exclusive mode is the bit-perfect path: event-driven by default,
// push (timer) mode when asked for or when the driver refuses events (the reason is reported).
// Shared mode takes the system mixer's format only (its capabilities say so: `mixFormat`), so the
// engine converts every source to it; it is reported as not bit-perfect, pointing to exclusive mode.

import type { AudioFormat } from '../../../audio/format.ts';
import { floatFormat, formatToString, pcmFormat, validateFormat } from '../../../audio/format.ts';
import { containersFor, type Container } from '../../../audio/pack.ts';
import { AurisError, isAurisError } from '../../../util/errors.ts';
import * as native from '../../../../native/index.ts';
import type { CapabilityOptions, FormatCaps, OpenOptions, OpenOutput, OutputCapabilities, OutputMode, OutputPlugin } from '../../interface.ts';
import { refusal } from '../../containers.ts';
import { NativeOutput } from '../../native-output.ts';

export const WASAPI_PREFIX = 'wasapi:';
const DEFAULT_RING_MS = 1000;
/** Device buffer in push mode and shared mode's ring sizing; event mode always uses one device period. */
const DEFAULT_BUFFER_MS = 500;

/** What the shared-mode output stage and refusals point to: the same endpoint's bit-perfect mode. */
const SHARED_ADVICE = 'exclusive mode plays bit-perfect';

/** `event`: exclusive event-driven only; `push`: exclusive timer-driven; absent: event, falling back to push. */
export type WasapiStrategy = 'event' | 'push';

/** Whether the WASAPI backend is usable here (Windows, addon built), and why not. */
export function wasapiStatus(): { available: boolean; reason: string } {
  const s = native.backendStatus('wasapi');
  return { available: s.available, reason: s.reason };
}

/** Active render endpoints with their stable IDs, friendly names and which one is the default. */
export function listWasapiDevices(): native.NativeDevice[] {
  return native.listDevices('wasapi');
}

/** One WAVEFORMATEXTENSIBLE layout to try: container and the valid bits declared in it. */
export interface WasapiLayout {
  readonly container: Container;
  readonly validBits: number;
}

const WASAPI_CONTAINERS: readonly Container[] = ['S16_LE', 'S24_3LE', 'S32_LE', 'FLOAT_LE'];

/**
 * The lossless WASAPI layouts for `format`, best first: the exact container, then wider ones
 * (the engine left-justifies, so a 16-bit source in 32/32 keeps every bit). A 24-bit source in
 * S32_LE tries 24-in-32 (valid bits 24) before 32/32, as DACs expose one or the other. WASAPI has
 * no LSB-justified 24-in-32 (ALSA's S24_LE). `forced` keeps only that container.
 */
export function wasapiLayouts(format: AudioFormat, forced?: Container): WasapiLayout[] {
  const out: WasapiLayout[] = [];
  for (const c of containersFor(format)) {
    if (!WASAPI_CONTAINERS.includes(c) || (forced && c !== forced)) continue;
    if (c === 'S32_LE' && format.validBits <= 24) out.push({ container: c, validBits: 24 });
    out.push({ container: c, validBits: c === 'S16_LE' ? 16 : c === 'S24_3LE' ? 24 : 32 });
  }
  return out;
}

/** A WASAPI mix format as the driver reports it: container, valid bits, rate, channels. */
export interface MixFormat {
  readonly container: Container;
  readonly validBits: number;
  readonly rate: number;
  readonly channels: number;
}

/** The samples a mix format holds: float32 (the usual mix), or integers of its valid bits. */
export function mixAudioFormat(mix: MixFormat): AudioFormat {
  if (mix.container === 'FLOAT_LE') return floatFormat(mix.rate, mix.channels, 32);
  if (mix.container === 'FLOAT64_LE') return floatFormat(mix.rate, mix.channels, 64);
  return pcmFormat(mix.rate, mix.channels, mix.validBits);
}

function deviceId(target: string): string {
  return target === '' ? 'default' : target;
}

export class WasapiOutputPlugin implements OutputPlugin {
  readonly name: string;
  private readonly target: string;
  private readonly probes = new Map<OutputMode, native.NativeCapabilities>();

  /** `target`: '' (default endpoint), an endpoint ID, or `name=<friendly name>`. */
  constructor(target: string) {
    this.target = target;
    this.name = WASAPI_PREFIX + target;
  }

  /** The endpoint ID to open (resolves `name=` against the active endpoints). */
  private device(): string {
    if (!this.target.startsWith('name=')) return deviceId(this.target);
    const wanted = this.target.slice(5);
    const found = listWasapiDevices().find((d) => d.name === wanted);
    if (!found) throw new AurisError('E_NOT_FOUND', `no active WASAPI endpoint named ${JSON.stringify(wanted)}`, { output: this.name });
    return found.id;
  }

  private probe(mode: OutputMode, fresh = false): native.NativeCapabilities {
    let caps = fresh ? undefined : this.probes.get(mode);
    if (!caps) {
      this.probes.delete(mode);
      caps = native.probe('wasapi', this.device(), mode);
      this.probes.set(mode, caps);
    }
    return caps;
  }

  /** Exclusive mode: what the endpoint takes (IsFormatSupported). Shared mode: the mix format only. */
  async capabilities(options: CapabilityOptions = {}): Promise<OutputCapabilities> {
    const mode = options.mode ?? 'exclusive';
    const caps = this.probe(mode, options.fresh === true);
    const volume = native.openVolume('wasapi', this.device());
    volume?.close();
    return {
      name: this.name,
      modes: ['exclusive', 'shared'],
      formats: caps.formats as readonly FormatCaps[],
      rateRange: caps.rateMax > 0 ? [caps.rateMin, caps.rateMax] : null,
      hardwareVolume: volume !== null,
      ...(mode === 'shared' ? { mixFormat: mixAudioFormat(this.mixFormat()) } : {}),
    };
  }

  /** The shared-mode mixer's format: the only format shared mode takes (see capabilities of mode shared). */
  mixFormat(): MixFormat {
    const f = this.probe('shared').formats[0];
    if (!f) throw new AurisError('E_DEVICE', `${this.name} reports no mix format`);
    return { container: f.container as Container, validBits: f.validBits || 32, rate: f.rates[0] ?? 0, channels: f.channelsMax };
  }

  async open(format: AudioFormat, mode: OutputMode, options: OpenOptions = {}): Promise<OpenOutput> {
    validateFormat(format);
    if (format.sample === 'dsd') throw new AurisError('E_FORMAT_REFUSED', `${this.name}: DSD output (DoP) is not supported yet; convert to PCM`);
    const strategy = options.strategy ?? '';
    if (strategy !== '' && strategy !== 'event' && strategy !== 'push') {
      throw new AurisError('E_INVALID_ARGUMENT', `WASAPI strategy must be event or push, not ${JSON.stringify(strategy)}`);
    }
    const bufferMs = options.bufferMs ?? DEFAULT_BUFFER_MS;
    if (!(bufferMs >= 10 && bufferMs <= 2000)) throw new AurisError('E_INVALID_ARGUMENT', `WASAPI buffer must be 10..2000 ms, not ${bufferMs}`);
    const ringMs = Math.round(options.ringMs ?? Math.max(DEFAULT_RING_MS, 2 * bufferMs));
    const device = this.device();
    const layouts = mode === 'shared' ? this.sharedLayout(format) : this.exclusiveLayouts(format, options.container);
    let lastRefusal: AurisError | null = null;
    for (const layout of layouts) {
      const router = NativeOutput.eventRouter();
      let stream: native.NativeStream;
      try {
        stream = native.openStream('wasapi', {
          device, mode, container: layout.container, rate: format.rate, channels: format.channels, validBits: layout.validBits,
          bufferUs: Math.round(bufferMs * 1000), periodUs: Math.round(bufferMs * 250), ringMs, strategy,
        }, router.listener);
      } catch (e) {
        if (isAurisError(e, 'E_FORMAT_REFUSED')) {
          lastRefusal = e;
          continue; // the next lossless layout, if any
        }
        throw e;
      }
      const volume = native.openVolume('wasapi', device);
      const negotiated = stream.negotiated();
      const output = new NativeOutput(
        { name: this.name, label: `WASAPI ${this.target || 'default endpoint'}`, mode, format, negotiated, volume, onClose: () => volume?.close(), sharedAdvice: SHARED_ADVICE },
        stream,
      );
      router.attach(output);
      return output;
    }
    const caps = this.probe('exclusive').formats as readonly FormatCaps[];
    const err = refusal(this.name, format, caps, layouts.map((l) => `${l.container}/${l.validBits}`));
    throw lastRefusal ? new AurisError('E_FORMAT_REFUSED', `${err.message} (driver: ${lastRefusal.message})`, err.details, { cause: lastRefusal }) : err;
  }

  /**
   * Lossless layouts in the order of wasapiLayouts. Each is tried with Initialize, the driver's
   * final word, whatever IsFormatSupported said: some drivers (and Wine, for 24-in-32) refuse a
   * format there that Initialize accepts. The probe's answers only feed the refusal message.
   */
  private exclusiveLayouts(format: AudioFormat, forced?: Container): WasapiLayout[] {
    const all = wasapiLayouts(format, forced);
    if (all.length === 0) throw refusal(this.name, format, this.probe('exclusive').formats as readonly FormatCaps[], forced ? [forced] : []);
    return all;
  }

  /** Shared mode: only the mixer's own format, so nothing is converted on the way in. */
  private sharedLayout(format: AudioFormat): WasapiLayout[] {
    const mix = this.mixFormat();
    const fits = wasapiLayouts(format).some((l) => l.container === mix.container && l.validBits === mix.validBits);
    if (!fits || format.rate !== mix.rate || format.channels !== mix.channels) {
      throw new AurisError(
        'E_FORMAT_REFUSED',
        `${this.name} in shared mode takes the mix format only (${mix.container} ${mix.validBits}-bit, ${mix.rate} Hz, ${mix.channels} ch), not ${formatToString(format)}; the player converts to it, or ${SHARED_ADVICE}`,
        { output: this.name, mixFormat: mix },
      );
    }
    return [{ container: mix.container, validBits: mix.validBits }];
  }
}
