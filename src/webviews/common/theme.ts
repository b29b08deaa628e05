/** Colours from the VS Code theme (light, dark, high contrast), re-read when the theme changes. */
export function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

export function isHighContrast(): boolean {
  return document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
}

/** VS Code swaps the body's theme class in place; the page is not reloaded. */
export function onThemeChange(fn: () => void): void {
  new MutationObserver(fn).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
}
