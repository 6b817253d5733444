"""What every command, button and form shares: the permission rules and the cog check that
enforces them (`access`), the one ephemeral reply and the error table (`replies`), the one base
for buttons and forms (`buttons`) and the per-person anti-spam limit (`cooldown`). Nothing here
imports the app or its configuration."""
