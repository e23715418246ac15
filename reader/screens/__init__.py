"""The app's screens: main (three panes), help, the empty-cache screen and small dialogs."""
