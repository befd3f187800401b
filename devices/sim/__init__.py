"""Shared pieces of the wire-level simulators: pseudo-terminals, pcscd, vpcd."""
