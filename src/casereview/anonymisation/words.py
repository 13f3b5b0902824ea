"""Word lists for deciding what is an ordinary English word and what looks like a person's name.

Generated once from Faker's en_US lorem list and en_GB/en_US first names (MIT licence), plus the
vocabulary of safeguarding reports, so that no download is needed at run time. Edit the lists
here directly, keeping each in alphabetical order.
"""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Lower-case words common in English and in case review reports.
COMMON_WORDS: frozenset[str] = _words(
    """
a ability able about above abuse academy accept accident accommodation according account
achieve across act action activity actually acute add addiction address administration admit
adolescent adopted adoption adult adults advice advocacy advocate affect after after-school
again against age agencies agency agent ago agree agreement ahead air alcohol all allegation
allegations allow almost alone along already also although always ambulance american among
amount analysis and animal annex another answer anxiety any anyone anything appear appendix
applicable application apply appointment appointments approach april area argue arm around
arrangement arrive art article artist as ask assessment assessments assistant association
assume at attack attend attendance attended attention attorney audience august author
authority autism autumn available avoid away b baby back background bad bag bail ball bank
bar base be beat beautiful because become bed before begin behavior behind believe benefit
benefits bereavement best better between beyond big bill billion birth bit black blood blue
board boards body book born borough both box boy branch breach break bring british brother
bruise bruising budget build building bullying business but buy by c call camera campaign
can candidate capital car card care career carer carers carry case cases catch cause cell
center central centre century certain certainly chair chairman chairperson challenge chance
change chapter character charge charity check checklist chief child childcare childminder
children choice choose chronology church citizen city civil claim class clear clearly clinic
clinical clinician close coach cold collection college color commercial commissioner
commissioning committee common community company compare computer concern concerns
conclusion conclusions condition conference confidential congress consider constable
consultant consumer contact contain contents continue control coordinator core coroner cost
could council counselling counsellor country county couple course court cover create crime
criminal crisis crown cultural culture cup current curriculum custody customer cut d dame
dark data daughter day deal debate decade deceased december decide decision deep defense
degree democrat democratic department deputy describe design designated despite detail
detective determine develop development diagnosis difference different difficult dinner
diocese direction director directorate disability disabled discharge discover discuss
discussion district division do doctor dog domestic door down dr draw dream drive drop drug
drugs during duty e each early east easy eat economic economy edge education effect effort
eight either election else emergency emotional employee employment end endorsement energy
england english enjoy enough enquiries enquiry enter entire environment environmental
especially establish european evaluation even evening event ever every everybody everyone
everything evidence exactly example exclusion executive exist expect experience expert
explain eye f face fact factor fall family far fast fatal father fear february federal feel
feeling few field fight figure fill film final finally financial find finding findings fine
finish fire firm first fish five floor fly focus follow food foot for force foreign forget
form former forum forward foster fostering foundation four free friday friday's friend from
front full fund further future g game garden gas general generation get girl give glass go
goal good government governor governors gp grandfather grandmother great green ground group
grow growth guardian guess guidance gun guy h hair half hand handbook happen happy hard have
he head headteacher health healthcare hear heart heavy help her here herself high him
himself his history hit hold home homes hope hospital hot hotel hour house household housing
how however hub huge human hundred husband i idea identify if image imagine impact
implementation important improve in incident include including increase indeed independent
indicate individual industry infant infants inform information initial injury inquest inside
inspection inspector inspectorate instead institution integrated interest interesting
international intervention interview into introduction investment involve ireland irish
issue it item its itself j january job join july june juniors just k keep key kid kind
kingdom kitchen know knowledge l lady land language large last late later laugh law lawyer
lay lead leader learn learning least leave left leg legal less lessons let letter level
liaison life light like likely line list listen little live local long look looked lord lose
loss lot low ltd m machine magazine magistrates main maintain major majority make man manage
management manager many march market marriage material maternity matron matter may maybe me
mean measure media medical meet meeting member memory mental mention message method
methodology metropolitan middle midwife midwifery might military million mind minute minutes
miss mission model modern moment monday money month months more morning mosque most mother
mouth move movement movie mr mrs ms much multi multi-agency music must mx my myself n name
named nation national natural nature near nearly necessary need neglect neighbourhood
neonatal network never new news newspaper next nhs nice night no none nor north northern not
note nothing notice november now number nurse nursery o occur october of off offer office
officer officers official ofsted often oil ok old on once one only onto open operation
opportunity option or order organization other others our out outside over overview own
owner p paediatric paediatrician paediatrics page painting panel paper parent parenting
parents parish part participant particular particularly partner partnership partnerships
party pass past patient patients pattern pay peace pediatric people per perform performance
perhaps person personal phone physical pick picture piece place plan planning plant play
player plc pm point police policy political politics poor popular population position
positive possible power practice practitioner practitioners pre-school pregnancy prepare
present president pressure pretty prevent price primary principal prison probably probation
procedure procedures process produce product production prof professional professionals
professor program project property protect protection prove provide provision psychiatric
psychiatrist psychologist psychology public pull pupil pupils purpose push put q quality
question quickly quite r race radio raise range rapid rate rather reach read ready real
reality realize really reason receive recent recently reception recognize recommendation
recommendations record red reduce referral referrals reflect region registrar regulation
relate relationship religious remain remember report reports represent republican require
research residential resource respond response responsibility rest result return rev reveal
review reviewer reviewing reviews rich right rise risk road rock role room rule run s safe
safeguarding same sample saturday save say scene school schools science scientist scope
score scotland scottish sea season seat second secondary section sector secure security see
seek seem sell send senior sense september sergeant series serious serve service services
set seven several sexual shake share she short should shoulder show sibling siblings side
sign significant similar simple simply since sing single sir sister sit site situation six
size skill skin small smile so social society soldier some somebody someone something
sometimes son song soon sort sound source south southern space speak special specialist
specific speech spend sport spring staff stage stand standard star start state statement
station statutory stay step step-father step-mother stepfather stepmother still stock stop
store story strategy street strong structure student study stuff style subject substance
success successful such sudden suddenly suffer suggest summary summer sunday superintendent
supervision support sure surface surgery synagogue system t table take talk task tax teach
teacher teachers team technology television tell temple ten tend term terms test than thank
that the their them themselves then theory there these they thing think third this those
though thought thousand threat three through throughout throw thursday thus time timeline
timescale to today together tonight too top total tough toward town trade traditional
training travel treat treatment tree triage trial trip trouble true trust trustee truth try
tuesday turn tv two type u under understand unit unitary united until up upon urgent us use
usually v value various very view visit visitor vitae voice voluntary vote vulnerable w wait
wales walk wall want war ward watch water way we wear wednesday week weight welfare well
wellbeing welsh west western what whatever when where whether which while white who whole
whom whose why wide wife will win wind window wish with within without witness woman wonder
word work worker workers working world worry would write writer wrong x y yard yeah year yes
yet you young your yourself youth z
"""
)

# Surnames and first names that are also ordinary words: never replaced in lower case.
ORDINARY_NAME_WORDS: frozenset[str] = _words(
    """
amber angel april art ash august autumn badger baker bank banks barber baron bay bell berry
birch bird bishop black bloom bob bond brewer bright brook brooks brown bull bush butcher
butler carpenter carter cash chance chandler chase church clay cliff cook cooper coral crane
cross crow crystal daisy dale dawn day dean dove drake draper drew duke dusty dyer earl fair
faith farmer field fields finch fish fisher fletcher flint ford forest fowler fox frank
frost gardener gardner gay gene glass glen glover gold golden grace grant gray green grey
guy hale hall hart hawk hazel heath heather heron hill holly honey hooper hope hunt hunter
iris ivy jack jade jasper jay joy june king knight lake lamb lane law lee lily little long
major mark marsh mason may miles mill miller misty moon moore moss new nice noble north oak
olive page painter park parker pat pearl penny pike pine pool poppy porter potter power
price prince queen rain ray read reed rich river rivers rob robin rock rose royal ruby rush
rusty sage salmon sandy savage sawyer sharp shepherd short silver skinner sky slater small
smith snow sparrow spring stone storm stormy street strong sue summer sunny swallow swan
swift tanner taylor temple thatcher thorn turner violet wade walker wall ward waters weaver
webb west wheeler white wild will winter wise wolf wood woods wren wright young
"""
)

# First names in their usual capitalised form, minus those that are ordinary words.
FIRST_NAMES: frozenset[str] = _words(
    """
Aaron Abbie Abdul Abigail Adam Adrian Adriana Adrienne Aimee Alan Albert Alec Alejandra
Alejandro Alex Alexa Alexander Alexandra Alexandria Alexis Alfred Alice Alicia Alisha Alison
Allan Allen Allison Alvin Alyssa Amanda Amelia Amy Ana Andre Andrea Andres Andrew Angela
Angelica Angie Anita Ann Anna Anne Annette Anthony Antonio Antony Ariana Ariel Arthur Ashlee
Ashleigh Ashley Audrey Austin Bailey Barbara Barry Becky Belinda Ben Benjamin Bernard Beth
Bethan Bethany Betty Beverley Beverly Bianca Billy Blake Bobby Bonnie Brad Bradley Brady
Brandi Brandon Brandy Breanna Brenda Brendan Brent Brett Brian Briana Brianna Bridget
Brittany Brittney Brooke Bruce Bryan Bryce Caitlin Caitlyn Caleb Callum Calvin Cameron
Candace Candice Carl Carla Carlos Carly Carmen Carol Carole Caroline Carolyn Carrie Casey
Cassandra Cassidy Cassie Catherine Cathy Cesar Chad Charlene Charles Charlie Charlotte
Chelsea Chelsey Cheryl Cheyenne Chloe Chris Christian Christie Christina Christine
Christopher Christy Cindy Claire Clare Clarence Claudia Clayton Clifford Clinton Clive Cody
Cole Colin Colleen Collin Colton Connie Connor Conor Corey Cory Courtney Craig Cristian
Cristina Curtis Cynthia Dakota Dalton Damian Damien Damon Dan Dana Daniel Danielle Danny
Darin Darius Darlene Darrell Darren Darryl Daryl Dave David Deanna Debbie Deborah Debra
Declan Denis Denise Dennis Derek Derrick Desiree Destiny Devin Devon Diamond Diana Diane
Dillon Dominic Dominique Don Donald Donna Doris Dorothy Douglas Duane Duncan Dustin Dwayne
Dylan Ebony Eddie Edgar Eduardo Edward Edwin Eileen Elaine Eleanor Elijah Elizabeth Ellen
Ellie Elliot Elliott Emily Emma Eric Erica Erik Erika Erin Ernest Ethan Eugene Evan Evelyn
Felicia Fernando Fiona Frances Francesca Francis Francisco Franklin Fred Frederick Gabriel
Gabriela Gabriella Gabrielle Gail Gareth Garrett Garry Gary Gavin Gemma Geoffrey George
Georgia Georgina Gerald Geraldine Gerard Gilbert Gillian Gina Glenda Glenn Gloria Gordon
Graeme Graham Greg Gregg Gregory Gwendolyn Hailey Haley Hannah Harold Harriet Harry Hayden
Hayley Hector Heidi Helen Henry Herbert Hilary Hollie Howard Hugh Iain Ian Irene Isaac
Isabel Isabella Isaiah Ivan Jackie Jackson Jaclyn Jacob Jacqueline Jaime Jake James Jamie
Jane Janet Janice Jared Jasmin Jasmine Jason Javier Jayne Jean Jeanette Jeanne Jeff Jeffery
Jeffrey Jemma Jenna Jennifer Jenny Jeremiah Jeremy Jermaine Jerome Jerry Jesse Jessica Jesus
Jill Jillian Jim Jimmy Joan Joann Joanna Joanne Jocelyn Jodi Jodie Jody Joe Joel John
Johnathan Johnny Jon Jonathan Jonathon Jordan Jorge Jose Joseph Josephine Josh Joshua Joyce
Juan Judith Judy Julia Julian Julie Justin Kaitlin Kaitlyn Kara Karen Kari Karina Karl Karla
Kate Katelyn Katherine Kathleen Kathryn Kathy Katie Katrina Katy Kayla Kaylee Kayleigh Keith
Kelli Kellie Kelly Kelsey Kendra Kenneth Kent Kerri Kerry Kevin Kiara Kieran Kim Kimberley
Kimberly Kirk Kirsten Kirsty Krista Kristen Kristi Kristie Kristin Kristina Kristine
Kristopher Kristy Krystal Kurt Kyle Kylie Lacey Lance Larry Latasha Latoya Laura Lauren
Laurie Lawrence Leah Leanne Leigh Leon Leonard Leroy Lesley Leslie Levi Lewis Liam Linda
Lindsay Lindsey Lisa Logan Lonnie Loretta Lori Lorraine Louis Louise Lucas Lucy Luis Luke
Lydia Lynda Lynn Lynne Mackenzie Madeline Madison Makayla Malcolm Malik Mallory Mandy Manuel
Marc Marcia Marco Marcus Margaret Maria Mariah Marian Marie Marilyn Mario Marion Marisa
Marissa Martha Martin Martyn Marvin Mary Mathew Matthew Maureen Maurice Max Maxwell Mckenzie
Meagan Megan Meghan Melanie Melinda Melissa Melody Melvin Mercedes Meredith Mia Michael
Michaela Micheal Michele Michelle Miguel Mikayla Mike Mindy Miranda Mitchell Mohamed
Mohammad Mohammed Molly Monica Monique Morgan Nancy Naomi Natalie Natasha Nathan Nathaniel
Neil Nicholas Nichole Nicola Nicolas Nicole Nigel Nina Noah Norma Norman Oliver Olivia Omar
Oscar Owen Paige Pam Pamela Patricia Patrick Patty Paul Paula Pauline Pedro Peggy Perry
Peter Philip Phillip Phyllis Preston Priscilla Rachael Rachel Ralph Randall Randy Raven
Raymond Rebecca Rebekah Reece Regina Reginald Renee Rhonda Rhys Ricardo Richard Rick Rickey
Ricky Riley Rita Robert Roberta Roberto Robyn Rodney Roger Ronald Ronnie Rosemary Rosie Ross
Roy Ruben Russell Ruth Ryan Sabrina Sally Sam Samantha Samuel Sandra Sara Sarah Savannah
Scott Sean Selena Sergio Seth Shane Shannon Shari Sharon Shaun Shawn Shawna Sheena Sheila
Shelby Shelia Shelley Shelly Sheri Sherri Sherry Sheryl Shirley Sian Sierra Simon Sonia
Sonya Sophia Sophie Spencer Stacey Stacie Stacy Stanley Stefanie Stephanie Stephen Steve
Steven Stewart Stuart Susan Suzanne Sydney Sylvia Tabitha Tamara Tami Tammie Tammy Tanya
Tara Tasha Terence Teresa Terrance Terrence Terri Terry Theodore Theresa Thomas Tiffany Tim
Timothy Tina Toby Todd Tom Tommy Toni Tony Tonya Tracey Traci Tracie Tracy Travis Trevor
Tricia Tristan Troy Tyler Tyrone Valerie Vanessa Vernon Veronica Vicki Vickie Victor
Victoria Vincent Virginia Walter Wanda Warren Wayne Wendy Wesley Whitney William Willie
Wyatt Xavier Yesenia Yolanda Yvette Yvonne Zachary Zoe
"""
)
