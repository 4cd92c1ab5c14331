import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startCompute } from '../state/computeService';
import { syncRouteWithLocation } from '../state/store';
import { requestPersistence } from '../storage/quota';
import { App } from './App';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');

syncRouteWithLocation();
// Ask once that the studio's videos, triples and checkpoints not be evicted.
void requestPersistence();
void startCompute();

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
