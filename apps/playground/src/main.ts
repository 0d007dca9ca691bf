// The playground's entry: theme first (no flash of the wrong one), then the app shell.
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { applyTheme, startingTheme } from './lib/theme.js';

applyTheme(startingTheme());
mount(App, { target: document.getElementById('app') as HTMLElement });
