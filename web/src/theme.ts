// Dark and light themes: the system's choice by default, or the user's, kept in localStorage and
// applied as data-theme on <html> (the CSS holds both palettes).

import { store } from './store.ts';

export type ThemeChoice = 'auto' | 'dark' | 'light';
const KEY = 'auris.theme';

function saved(): ThemeChoice {
  const v = localStorage.getItem(KEY);
  return v === 'dark' || v === 'light' ? v : 'auto';
}

export const theme = store<ThemeChoice>(saved());

function apply(choice: ThemeChoice): void {
  const dark = choice === 'dark' || (choice === 'auto' && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

export function setTheme(choice: ThemeChoice): void {
  localStorage.setItem(KEY, choice);
  theme.set(choice);
  apply(choice);
}

export function initTheme(): void {
  apply(theme.get());
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => apply(theme.get()));
}
