export * from './alertmanager';
export * from './artifacts';
export * from './inputs';
export * from './prometheus';
export * from './routing-cases';
