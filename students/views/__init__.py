"""Pages of students/, one module a topic: `students` (the list and search, the student
file and its family), `assessments`, `handover` (接档), `leads` (意向客户), `reception`
(客户接待记录本), `roster` (Excel import and export), `lobby` (the hourly round). Thin: parse
the form (students/forms.py), call a service, show its message beside the field it names.
Who may see which records: `access`."""
