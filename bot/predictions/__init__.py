"""The prediction game: its rules (`rules`), its storage (`store`) and what /predict shows
(`views`)."""
