"""What can be played and how it is kept: M3U files, saved playlists, the ready playlists."""
