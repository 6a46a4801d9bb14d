# Builds owl as one binary that needs no Swift toolchain on the machine it runs on
# (the Swift runtime and Foundation linked in), and installs it with its man page.
#
#   make                          build .build/release/owl and .build/man/owl.1
#   make install PREFIX=~/.local  copy them to PREFIX/bin and PREFIX/share/man/man1
#
# Runtime libraries the binary still needs (readelf -d): libsqlite3, libcurl (for URLSession),
# libstdc++, libgcc_s, libm, libc. Linking needs libcurl's link library (libcurl4-openssl-dev).

PREFIX ?= /usr/local
BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1

BINARY = .build/release/owl
MANPAGE = .build/man/owl.1

.PHONY: all install uninstall clean FORCE

all: $(BINARY) $(MANPAGE)

# The man page comes first: swift-argument-parser's generate-manual plugin builds the
# release products without --static-swift-stdlib, and the static link below must be last.
$(BINARY): $(MANPAGE) FORCE
	swift build -c release --static-swift-stdlib --product owl

$(MANPAGE): FORCE
	swift package generate-manual
	mkdir -p $(dir $(MANPAGE))
	cp .build/plugins/GenerateManual/outputs/owl/owl.1 $(MANPAGE)

install: all
	install -d $(BINDIR) $(MANDIR)
	install -s -m 755 $(BINARY) $(BINDIR)/owl
	install -m 644 $(MANPAGE) $(MANDIR)/owl.1

uninstall:
	rm -f $(BINDIR)/owl $(MANDIR)/owl.1

clean:
	swift package clean
	rm -rf .build/man

FORCE:
