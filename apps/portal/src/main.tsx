import { render } from 'preact';
import { App } from './app';
import { adoptHashRoute } from './router';
import './styles.css';

adoptHashRoute();
const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
