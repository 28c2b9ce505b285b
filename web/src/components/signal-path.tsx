// The signal path: the verdict badge, every stage with what it did and why, the output as the
// driver negotiated it, and the proof of the last track heard to its end.

import { describeFormat, VERDICT_LABEL, VERDICT_MEANING } from '../format.ts';
import type { OutputStateWire, SignalPathWire, StageWire, TrackProofWire, Verdict } from '../wire.ts';

export function VerdictBadge({ verdict, small }: { verdict: Verdict | null; small?: boolean }) {
  if (!verdict) return <span class={`verdict none${small ? ' small' : ''}`} data-verdict="none">No signal</span>;
  return (
    <span class={`verdict ${verdict}${small ? ' small' : ''}`} data-verdict={verdict} title={VERDICT_MEANING[verdict]}>
      {VERDICT_LABEL[verdict]}
    </span>
  );
}

const KIND_LABEL: Record<StageWire['kind'], string> = {
  source: 'Source', decoder: 'Decoder', filter: 'DSP', resampler: 'Resampler', volume: 'Volume',
  dither: 'Dither', packing: 'Packing', output: 'Output', mixer: 'System mixer',
};

function stageEffect(s: StageWire): { cls: string; text: string } {
  if (s.lossy) return { cls: 'lossy', text: 'lossy' };
  if (!s.changesSamples) return { cls: 'exact', text: 'unchanged' };
  return s.chosenByUser ? { cls: 'chosen', text: 'changes samples: your choice' } : { cls: 'forced', text: 'changes samples: forced' };
}

function Stage({ stage }: { stage: StageWire }) {
  const eff = stageEffect(stage);
  const input = describeFormat(stage.input);
  const output = describeFormat(stage.output);
  return (
    <li class={`stage ${eff.cls}`} data-kind={stage.kind}>
      <div class="stage-head">
        <span class="stage-kind">{KIND_LABEL[stage.kind]}</span>
        <span class="stage-name">{stage.name}</span>
        <span class={`stage-effect ${eff.cls}`}>{eff.text}</span>
      </div>
      {stage.detail && <div class="stage-detail">{stage.detail}</div>}
      {(input || output) && (
        <div class="stage-format">{input && output && input !== output ? `${input} → ${output}` : output || input}</div>
      )}
    </li>
  );
}

/** The output as the driver reported it after opening. */
export function OutputLine({ output }: { output: OutputStateWire }) {
  return (
    <div class="output-line" data-testid="negotiated">
      <strong>{output.name}</strong> <span class="tag">{output.mode}</span>{' '}
      <span>negotiated {describeFormat(output.format)} as {output.container}</span>{' '}
      <span class="muted">(read back from the driver{output.hardwareVolume ? '; hardware volume' : ''})</span>
    </div>
  );
}

export function ProofLine({ proof, path }: { proof: TrackProofWire; path?: string }) {
  const name = path ? path.split(/[\\/]/).pop() : '';
  if (proof.verified) {
    const ref = proof.reference === 'streaminfo' ? 'STREAMINFO' : 'the decoded source';
    return (
      <div class="proof verified" data-testid="proof" data-verified="true">
        ✓ {name ? `${name}, heard to its end: v` : 'V'}erified: MD5 of delivered samples = {ref}
        <code class="md5">{proof.md5}</code>
      </div>
    );
  }
  return (
    <div class="proof unverified" data-testid="proof" data-verified="false">
      {name ? `${name}, heard to its end: n` : 'N'}ot verified: {proof.reason || 'no reference to compare with'}
      {proof.md5 && <code class="md5">delivered {proof.md5}</code>}
      {proof.expectedMd5 && <code class="md5">expected {proof.expectedMd5}</code>}
    </div>
  );
}

export function SignalPathPanel({ path, output, proof, title }: {
  title?: string;
  path: SignalPathWire | null;
  output: OutputStateWire | null;
  proof: { proof: TrackProofWire; path: string } | null;
}) {
  return (
    <section class="signal-path" aria-label="Signal path" data-testid="signal-path">
      <header>
        <h2>{title ?? 'Signal path'}</h2>
        <VerdictBadge verdict={path?.verdict ?? null} />
      </header>
      {path && <p class="verdict-meaning">{VERDICT_MEANING[path.verdict]}</p>}
      {path && path.reasons.length > 0 && (
        <ul class="reasons">{path.reasons.map((r) => <li key={r}>{r}</li>)}</ul>
      )}
      {path ? (
        <ol class="stages">{path.stages.map((s, i) => <Stage key={i} stage={s} />)}</ol>
      ) : (
        <p class="muted">Nothing is playing. Play a track to see every stage between the file and the device.</p>
      )}
      {output && <OutputLine output={output} />}
      {proof && <ProofLine proof={proof.proof} path={proof.path} />}
    </section>
  );
}
