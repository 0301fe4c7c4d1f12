"""The UI shell: layout, navigation, language switch and shared templates."""
