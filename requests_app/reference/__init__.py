"""Reference data: Member States and their regional groups, types of assistance."""
