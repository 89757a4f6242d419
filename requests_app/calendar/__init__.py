"""Each user's private iCalendar feed of deadlines and elections."""
