// Transport and volume icons as inline SVG: media-control glyphs are missing from many fonts.

const PATHS = {
  play: 'M7 4v16l13-8z',
  pause: 'M6 4h4v16H6zM14 4h4v16h-4z',
  prev: 'M6 5h2v14H6zM20 5v14L9 12z',
  next: 'M16 5h2v14h-2zM4 5v14l11-7z',
  volume: 'M4 9h4l5-4v14l-5-4H4zM16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12',
} as const;

export function Icon({ name, size = 20 }: { name: keyof typeof PATHS; size?: number }) {
  const stroke = name === 'volume';
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" class="svg-icon"
      fill={stroke ? 'none' : 'currentColor'} stroke={stroke ? 'currentColor' : 'none'} stroke-width={stroke ? 1.8 : 0} stroke-linejoin="round" stroke-linecap="round">
      <path d={PATHS[name]} />
    </svg>
  );
}
