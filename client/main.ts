import { mount } from 'svelte';
import App from './App.svelte';
import { registerServiceWorker } from './lib/serviceWorker';
import './styles.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

// Not in `vite` dev, where the worker would cache modules that change on every save.
if (import.meta.env.PROD && 'serviceWorker' in navigator) registerServiceWorker(navigator.serviceWorker);

export default mount(App, { target });
