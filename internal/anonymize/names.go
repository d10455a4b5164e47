package anonymize

// Fictional name parts the fake transformers pick from.
var (
	firstNames = []string{"Ada", "Alan", "Barbara", "Claude", "Donald", "Edsger", "Frances", "Grace", "Hedy", "Ivan",
		"John", "Katherine", "Leslie", "Margaret", "Niklaus", "Ole", "Radia", "Shafi", "Tim", "Whitfield",
		"Anita", "Butler", "Carl", "Dorothy", "Erna", "Fran", "Guido", "Hal", "Irene", "Jean"}
	lastNames = []string{"Lovelace", "Turing", "Liskov", "Shannon", "Knuth", "Dijkstra", "Allen", "Hopper", "Lamarr",
		"Sutherland", "McCarthy", "Johnson", "Lamport", "Hamilton", "Wirth", "Dahl", "Perlman", "Goldwasser",
		"Berners-Lee", "Diffie", "Borg", "Lampson", "Hoare", "Bartik", "Hoover", "Allen", "Rossum", "Abelson", "Greif", "Sammet"}
	streets = []string{"Example Street", "Sample Avenue", "Test Road", "Placeholder Lane", "Fiction Way", "Demo Boulevard",
		"Mock Court", "Dummy Drive", "Stub Place", "Fixture Close"}
	cities = []string{"Springfield", "Shelbyville", "Riverton", "Lakeside", "Hillview", "Fairview", "Greenville", "Oakdale"}
)
