package upgrade

import (
	"bytes"
	"fmt"
	"strings"
)

// mermaid renders the plan's sequence as a Mermaid flowchart: one box per
// step, grouped by hop and phase, in the order the steps run.
func (p *Plan) mermaid() ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "flowchart TD\n")
	fmt.Fprintf(&b, "    start([\"%s\"])\n", label(p.From.String()))
	group := -1
	var cur struct {
		hop   int
		phase Phase
	}
	for i, s := range p.Steps {
		if i == 0 || s.Hop != cur.hop || s.Phase != cur.phase {
			if group >= 0 {
				b.WriteString("    end\n")
			}
			group++
			cur.hop, cur.phase = s.Hop, s.Phase
			title := string(s.Phase)
			if s.Hop > 0 {
				title = fmt.Sprintf("hop %d to %s: %s", s.Hop, s.Version, s.Phase)
			}
			fmt.Fprintf(&b, "    subgraph g%d[\"%s\"]\n", group, label(title))
		}
		fmt.Fprintf(&b, "        s%d[\"%d. %s\"]\n", i+1, i+1, label(s.Title))
	}
	if group >= 0 {
		b.WriteString("    end\n")
	}
	fmt.Fprintf(&b, "    done([\"%s\"])\n", label(p.Target.String()))
	prev := "start"
	for i := range p.Steps {
		fmt.Fprintf(&b, "    %s --> s%d\n", prev, i+1)
		prev = fmt.Sprintf("s%d", i+1)
	}
	fmt.Fprintf(&b, "    %s --> done\n", prev)
	return b.Bytes(), nil
}

// label makes s safe inside a quoted Mermaid label.
func label(s string) string {
	r := strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;")
	return r.Replace(oneLine(s))
}
