"""What every command and button shares: who may do what (`access`), safe replies and the
error table (`replies`), the button base (`buttons`), the catalogue cogs' base (`cogbase`) and
the per-person anti-spam limit (`cooldown`)."""
